-- Indexes for reading the audit log newest first, as a whole and per actor,
-- one page at a time by (occurred_at, id). Without them every page sorts the
-- whole log.

CREATE INDEX audit_events_occurred ON {tenant}.audit_events (occurred_at DESC, id DESC);
CREATE INDEX audit_events_actor ON {tenant}.audit_events (actor_user_id, occurred_at DESC, id DESC);
