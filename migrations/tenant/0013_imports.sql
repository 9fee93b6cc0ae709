-- CSV imports of customers and prospects. An import keeps its options, its
-- progress and counts, and the per-row report. Each record it created or
-- updated is listed with the version the import left, so the import can be
-- undone while none of them has changed since. A file too large to import
-- within one request waits in import_chunks, a few hundred rows per chunk,
-- until the job runner has worked through it.

CREATE TABLE {tenant}.imports (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    target text NOT NULL,
    -- {"delimiter", "on_invalid", "on_duplicate", "mapping"} as the request gave them
    options jsonb NOT NULL,
    file_name text,
    status text NOT NULL,
    -- the cells of the file's header row, from which every step maps the rows again
    header jsonb NOT NULL,
    -- [{"column", "field", "note"}] and the header cells that map to nothing
    mapping jsonb NOT NULL,
    unmapped_columns jsonb NOT NULL,
    rows_total integer NOT NULL,
    rows_done integer NOT NULL DEFAULT 0,
    chunks_done integer NOT NULL DEFAULT 0,
    created_count integer NOT NULL DEFAULT 0,
    updated_count integer NOT NULL DEFAULT 0,
    duplicate_count integer NOT NULL DEFAULT 0,
    invalid_count integer NOT NULL DEFAULT 0,
    -- [{"row", "column", "field", "rule", "message"}], the first entries only
    report jsonb NOT NULL DEFAULT '[]',
    report_omitted integer NOT NULL DEFAULT 0,
    failure text,
    created_by bigint REFERENCES {tenant}.users (id),
    undone_by bigint REFERENCES {tenant}.users (id),
    created_at timestamptz NOT NULL,
    started_at timestamptz,
    finished_at timestamptz,
    undone_at timestamptz,

    CONSTRAINT imports_target_known CHECK (
        target IN ('person_customers', 'business_customers', 'prospects')),
    CONSTRAINT imports_status_known CHECK (
        status IN ('queued', 'running', 'done', 'failed', 'undone')),
    CONSTRAINT imports_rows CHECK (rows_total >= 0 AND rows_done BETWEEN 0 AND rows_total),
    CONSTRAINT imports_counts CHECK (
        created_count >= 0 AND updated_count >= 0 AND duplicate_count >= 0
        AND invalid_count >= 0 AND report_omitted >= 0 AND chunks_done >= 0),
    CONSTRAINT imports_file_name_length CHECK (char_length(file_name) BETWEEN 1 AND 200),
    CONSTRAINT imports_undone CHECK ((status = 'undone') = (undone_at IS NOT NULL))
);
CREATE INDEX imports_created ON {tenant}.imports (created_at DESC, id DESC);

-- The rows of a queued import, in order. data is the chunk's rows as JSON:
-- [{"row": 2, "cells": ["Lena", ...]}], with "bad": [cell indexes] for cells
-- that are not UTF-8. A job step claims a chunk by locking it (FOR UPDATE SKIP
-- LOCKED, so several runners share one import) and deletes it in the
-- transaction that imports its rows.
CREATE TABLE {tenant}.import_chunks (
    import_id bigint NOT NULL REFERENCES {tenant}.imports (id) ON DELETE CASCADE,
    position integer NOT NULL,
    row_count integer NOT NULL,
    data jsonb NOT NULL,
    PRIMARY KEY (import_id, position),
    CONSTRAINT import_chunks_position CHECK (position >= 0 AND row_count > 0)
);

-- The records an import created or updated. previous is the record's input
-- form before an update (NULL for a create), which undo writes back. Removing
-- a record (undo of a create) removes its line here too.
CREATE TABLE {tenant}.import_records (
    import_id bigint NOT NULL REFERENCES {tenant}.imports (id),
    customer_id bigint NOT NULL REFERENCES {tenant}.customers (id) ON DELETE CASCADE,
    row_number integer NOT NULL,
    action text NOT NULL,
    version integer NOT NULL,
    previous jsonb,
    PRIMARY KEY (import_id, customer_id),
    CONSTRAINT import_records_action_known CHECK (action IN ('created', 'updated')),
    CONSTRAINT import_records_previous CHECK ((action = 'updated') = (previous IS NOT NULL))
);
CREATE INDEX import_records_customer_id ON {tenant}.import_records (customer_id);

GRANT SELECT, INSERT, UPDATE ON {tenant}.imports TO {app_role};
-- UPDATE only for the row locks with which steps claim chunks.
GRANT SELECT, INSERT, UPDATE, DELETE ON {tenant}.import_chunks TO {app_role};
GRANT SELECT, INSERT, UPDATE ON {tenant}.import_records TO {app_role};
