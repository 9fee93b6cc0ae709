-- Cases: a customer's or prospect's request or problem, followed from "new" to
-- "closed". Case numbers are the tenant's prefix and a number from a sequence
-- in the tenant schema (CASE-000001), so every tenant counts from 1; a
-- rolled-back create leaves a gap. A case points at the record's id, so a
-- prospect's cases stay with it when it converts.
--
-- The server writes search_text (the folded number and subject) at every
-- create and subject change, and computes due_at from the priority's target
-- in the tenant settings.

CREATE SEQUENCE {tenant}.case_number_seq AS bigint MINVALUE 1 START 1 NO CYCLE;

CREATE TABLE {tenant}.cases (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number text NOT NULL,
    number_value bigint NOT NULL,
    customer_id bigint NOT NULL REFERENCES {tenant}.customers (id),
    subject text NOT NULL,
    description text,
    category text,
    priority text NOT NULL,
    channel text,
    status text NOT NULL DEFAULT 'new',
    assignee_id bigint REFERENCES {tenant}.users (id),
    due_at timestamptz NOT NULL,
    resolution_note text,
    first_response_at timestamptz,
    resolved_at timestamptz,
    resolved_by bigint REFERENCES {tenant}.users (id),
    closed_at timestamptz,
    search_text text NOT NULL,
    created_by bigint REFERENCES {tenant}.users (id),
    updated_by bigint REFERENCES {tenant}.users (id),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version integer NOT NULL DEFAULT 1,

    CONSTRAINT cases_number_key UNIQUE (number),
    CONSTRAINT cases_number_value_key UNIQUE (number_value),
    CONSTRAINT cases_status_known CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
    CONSTRAINT cases_priority_known CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    CONSTRAINT cases_channel_known CHECK (channel IN ('phone', 'email', 'walk-in', 'web', 'other')),
    -- A resolved or closed case says how it ended, and when.
    CONSTRAINT cases_resolution_note CHECK (
        status NOT IN ('resolved', 'closed') OR resolution_note IS NOT NULL),
    CONSTRAINT cases_resolved_at CHECK (
        (status IN ('resolved', 'closed')) = (resolved_at IS NOT NULL)),
    CONSTRAINT cases_resolved_by CHECK (resolved_at IS NOT NULL OR resolved_by IS NULL),
    CONSTRAINT cases_closed_at CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
    -- Leaving "new" is a response, so only a new case may lack one.
    CONSTRAINT cases_first_response CHECK (status = 'new' OR first_response_at IS NOT NULL),
    CONSTRAINT cases_version_positive CHECK (version > 0),
    CONSTRAINT cases_text_lengths CHECK (
        char_length(number) <= 40 AND char_length(subject) BETWEEN 1 AND 200
        AND char_length(description) <= 10000 AND char_length(category) BETWEEN 1 AND 80
        AND char_length(resolution_note) BETWEEN 1 AND 10000)
);

-- A record's cases (its page, its timeline, the count at conversion).
CREATE INDEX cases_customer ON {tenant}.cases (customer_id, created_at, id);

-- Lists in each sort order, with the id as the tie-breaker of keyset pagination.
-- The columns the visibility rule reads are included, so the dashboard's
-- counts of opened cases read the index alone.
CREATE INDEX cases_list_created ON {tenant}.cases (created_at, id) INCLUDE (customer_id, assignee_id);
CREATE INDEX cases_list_updated ON {tenant}.cases (updated_at, id);
CREATE INDEX cases_list_due ON {tenant}.cases (due_at, id);

-- Filters: an assignee's cases (also what "own" visibility reads), a status.
CREATE INDEX cases_assignee ON {tenant}.cases (assignee_id, created_at, id);
CREATE INDEX cases_status ON {tenant}.cases (status, created_at, id);

-- Open work for the dashboard: counts by status and priority, overdue cases
-- by due time, an assignee's open cases by due time, and resolutions by time.
CREATE INDEX cases_open_due ON {tenant}.cases (due_at, id)
    INCLUDE (status, priority, customer_id, assignee_id)
    WHERE status IN ('new', 'open', 'pending');
CREATE INDEX cases_open_assignee ON {tenant}.cases (assignee_id, due_at, id)
    WHERE status IN ('new', 'open', 'pending');
CREATE INDEX cases_resolved ON {tenant}.cases (resolved_at)
    INCLUDE (created_at, customer_id, assignee_id)
    WHERE resolved_at IS NOT NULL;

-- Substring search over the folded number and subject.
CREATE INDEX cases_search ON {tenant}.cases USING gin (search_text ext.gin_trgm_ops);

GRANT USAGE ON SEQUENCE {tenant}.case_number_seq TO {app_role};
GRANT SELECT, INSERT, UPDATE ON {tenant}.cases TO {app_role};
