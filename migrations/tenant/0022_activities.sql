-- Interactions with a customer or prospect: calls, emails, meetings, visits,
-- text messages and notes, each with the user who recorded it. An activity
-- points at the record's id, so a prospect's activities stay with it when it
-- converts. Activities are recorded, never changed or removed.

CREATE TABLE {tenant}.activities (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES {tenant}.customers (id),
    kind text NOT NULL,
    direction text,
    summary text NOT NULL,
    details text,
    occurred_at timestamptz NOT NULL,
    duration_minutes integer,
    recorded_by bigint REFERENCES {tenant}.users (id),
    created_at timestamptz NOT NULL,
    CONSTRAINT activities_kind_known CHECK (kind IN ('call', 'email', 'meeting', 'visit', 'sms', 'note')),
    CONSTRAINT activities_direction_known CHECK (direction IN ('inbound', 'outbound')),
    CONSTRAINT activities_note_direction CHECK (kind <> 'note' OR direction IS NULL),
    CONSTRAINT activities_duration_range CHECK (duration_minutes BETWEEN 0 AND 1440),
    CONSTRAINT activities_text_lengths CHECK (
        char_length(summary) BETWEEN 1 AND 200 AND char_length(details) <= 10000)
);

-- A record's activities newest first, for its list and its timeline.
CREATE INDEX activities_customer ON {tenant}.activities (customer_id, occurred_at, id);

GRANT SELECT, INSERT ON {tenant}.activities TO {app_role};
