-- Notes on a case, oldest first: internal ones for staff, shareable ones that
-- may be shown to the customer. Notes are added, never changed or removed.

CREATE TABLE {tenant}.case_notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES {tenant}.cases (id),
    author_id bigint REFERENCES {tenant}.users (id),
    visibility text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT case_notes_visibility_known CHECK (visibility IN ('internal', 'shareable')),
    CONSTRAINT case_notes_body_length CHECK (char_length(body) BETWEEN 1 AND 10000)
);
CREATE INDEX case_notes_case ON {tenant}.case_notes (case_id, created_at, id);

GRANT SELECT, INSERT ON {tenant}.case_notes TO {app_role};
