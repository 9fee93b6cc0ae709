-- Background work of tenants, such as large imports. A job's own row (with its
-- input and progress) lives in the tenant schema; this queue only says which
-- tenant and row to work on, so runners on any host can claim jobs with
-- FOR UPDATE SKIP LOCKED. ref_id is a plain number on purpose: nothing in a
-- shared schema references a tenant schema.
CREATE TABLE control.jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES control.tenants (id) ON DELETE CASCADE,
    kind text NOT NULL,
    ref_id bigint NOT NULL,
    state text NOT NULL DEFAULT 'queued',
    attempts integer NOT NULL DEFAULT 0,
    runner text,
    heartbeat_at timestamptz,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CONSTRAINT jobs_state_known CHECK (state IN ('queued', 'running', 'done', 'failed'))
);
CREATE INDEX jobs_waiting ON control.jobs (id) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_tenant_id ON control.jobs (tenant_id);

GRANT SELECT, INSERT, UPDATE ON control.jobs TO {app_role};
