-- Sales pipelines and their stages. Every tenant starts with one default
-- pipeline whose stages are those of common lead lists (New Lead to
-- Disqualified), so imported leads find their stage by name. Each stage has a
-- position in its pipeline, a win probability in whole percent and a kind:
-- open stages hold deals in progress, and a deal in a won or lost stage is
-- closed. A removed stage keeps its row, with removed_at set, because the
-- stage history of deals points at it.
--
-- The server renumbers the positions of a pipeline's live stages 1, 2, 3...
-- under a row lock on the pipeline, and keeps at least one open, one won and
-- one lost stage live in every pipeline.

CREATE TABLE {tenant}.pipelines (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT pipelines_name_length CHECK (char_length(name) BETWEEN 1 AND 80)
);

-- Names are unique without regard to case; one pipeline is the default.
CREATE UNIQUE INDEX pipelines_name_key ON {tenant}.pipelines (lower(name));
CREATE UNIQUE INDEX pipelines_one_default ON {tenant}.pipelines (is_default) WHERE is_default;

CREATE TABLE {tenant}.pipeline_stages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pipeline_id bigint NOT NULL REFERENCES {tenant}.pipelines (id),
    name text NOT NULL,
    position integer NOT NULL,
    probability integer NOT NULL,
    kind text NOT NULL,
    created_at timestamptz NOT NULL,
    removed_at timestamptz,
    -- the target of the foreign key that keeps a deal's stage in its pipeline
    CONSTRAINT pipeline_stages_pipeline_id_key UNIQUE (pipeline_id, id),
    CONSTRAINT pipeline_stages_name_length CHECK (char_length(name) BETWEEN 1 AND 80),
    CONSTRAINT pipeline_stages_position_positive CHECK (position > 0),
    CONSTRAINT pipeline_stages_probability_range CHECK (probability BETWEEN 0 AND 100),
    CONSTRAINT pipeline_stages_kind_known CHECK (kind IN ('open', 'won', 'lost'))
);

-- A live stage's name is unique in its pipeline without regard to case.
CREATE UNIQUE INDEX pipeline_stages_name_key ON {tenant}.pipeline_stages (pipeline_id, lower(name))
    WHERE removed_at IS NULL;

WITH p AS (
    INSERT INTO {tenant}.pipelines (name, is_default, created_at, updated_at)
    VALUES ('Sales', true, now(), now()) RETURNING id
)
INSERT INTO {tenant}.pipeline_stages (pipeline_id, name, position, probability, kind, created_at)
SELECT p.id, s.name, s.position, s.probability, s.kind, now()
FROM p, (VALUES
    ('New Lead', 1, 10, 'open'),
    ('Contacted', 2, 20, 'open'),
    ('Qualified', 3, 40, 'open'),
    ('Proposal Sent', 4, 60, 'open'),
    ('Negotiation', 5, 80, 'open'),
    ('On Hold', 6, 30, 'open'),
    ('Re-engagement', 7, 20, 'open'),
    ('Closed Won', 8, 100, 'won'),
    ('Closed Lost', 9, 0, 'lost'),
    ('Disqualified', 10, 0, 'lost')
) AS s (name, position, probability, kind);

GRANT SELECT, INSERT, UPDATE ON {tenant}.pipelines TO {app_role};
GRANT SELECT, INSERT, UPDATE ON {tenant}.pipeline_stages TO {app_role};
