-- Fills a tenant with 100,000 records and 100,000 cases for docs/benchmarks/dashboard.md.
-- Run as the PostgreSQL superuser on a new tenant whose administrator is user 1:
--   psql "$LENDASTACK_PG_SUPER" -v schema=tenant_000002 -f docs/benchmarks/dashboard-fill.sql
--
-- Records: 90,000 customers and 10,000 prospects, every 100th archived, owned
-- by ten users in turn. Cases: one every 315 seconds over the year before
-- 2026-12-04 12:00 UTC, on records spread over the first 99,991; every tenth
-- case is still new, open or pending, the others resolved (every third of them
-- closed) 1 to 200 hours after creation, and assigned to the ten users in
-- turn. User 2 (staff2@bench.test) has a role that sees only their own
-- records and cases; users 3 to 10 are Officers.

INSERT INTO :"schema".roles (name, permissions) VALUES ('Own records',
    '{"customers.view":"own","prospects.view":"own","cases.view":"own"}');
INSERT INTO :"schema".users (email, email_key, display_name, role_id, status)
SELECT 'staff' || g || '@bench.test', 'staff' || g || '@bench.test', 'Staff ' || g,
    (SELECT id FROM :"schema".roles WHERE name = CASE g WHEN 2 THEN 'Own records' ELSE 'Officer' END),
    'invited'
FROM generate_series(2, 10) g;

INSERT INTO :"schema".customers (kind, lifecycle, status, code, code_number, reference,
    reference_number, first_name, last_name, email, email_key, owner_id, display_name, sort_name,
    search_text, created_by, updated_by, created_at, updated_at, archived_at)
SELECT 'person', lc, CASE lc WHEN 'customer' THEN (ARRAY['active','active','inactive','dormant','blacklisted'])[1 + g % 5]
        ELSE (ARRAY['open','qualified','disqualified'])[1 + g % 3] END,
    CASE lc WHEN 'customer' THEN 'CUS-' || lpad(g::text, 6, '0') END, CASE lc WHEN 'customer' THEN g END,
    CASE lc WHEN 'prospect' THEN 'PRO-' || lpad(g::text, 6, '0') END, CASE lc WHEN 'prospect' THEN g END,
    'First' || g, 'Last' || g, 'person' || g || '@example.com', 'person' || g || '@example.com',
    1 + g % 10, 'First' || g || ' Last' || g, 'last' || g || ' first' || g,
    lower('CUS-' || lpad(g::text, 6, '0')) || E'\n' || 'first' || g || E'\n' || 'last' || g,
    1, 1, timestamptz '2025-12-01' + g * interval '300 second',
    timestamptz '2025-12-01' + g * interval '300 second',
    CASE WHEN g % 100 = 0 THEN timestamptz '2026-11-01' END
FROM generate_series(1, 100000) g,
LATERAL (SELECT CASE WHEN g % 10 = 0 THEN 'prospect' ELSE 'customer' END AS lc) l;
SELECT setval(:'schema' || '.customer_code_seq', 100000);
SELECT setval(:'schema' || '.prospect_reference_seq', 100000);

INSERT INTO :"schema".cases (number, number_value, customer_id, subject, category, priority,
    channel, status, assignee_id, due_at, resolution_note, first_response_at, resolved_at,
    closed_at, search_text, created_by, updated_by, created_at, updated_at)
SELECT 'CASE-' || lpad(g::text, 6, '0'), g, 1 + (g::bigint * 7919) % 99991,
    subject, (ARRAY['Account','Billing','Complaint','Loan','Request','Other'])[1 + g % 6],
    (ARRAY['low','low','normal','normal','normal','normal','normal','high','high','urgent'])[1 + (g / 10) % 10],
    (ARRAY['phone','email','walk-in','web','other'])[1 + g % 5], status, 1 + g % 10,
    created + interval '48 hours',
    CASE WHEN status IN ('resolved', 'closed') THEN 'Done' END,
    CASE WHEN status <> 'new' THEN created + interval '1 hour' END,
    CASE WHEN status IN ('resolved', 'closed') THEN created + (1 + g % 200) * interval '1 hour' END,
    CASE WHEN status = 'closed' THEN created + (2 + g % 200) * interval '1 hour' END,
    lower('CASE-' || lpad(g::text, 6, '0')) || E'\n' || lower(subject),
    1, 1, created, created
FROM generate_series(1, 100000) g,
LATERAL (SELECT timestamptz '2026-12-04 12:00Z' - (100000 - g) * interval '315 second' AS created,
        (ARRAY['Card blocked','Statement missing','Loan question','Address change','Fee dispute'])[1 + g % 5] AS subject,
        CASE WHEN g % 10 = 0 THEN (ARRAY['new','open','pending'])[1 + (g / 10) % 3]
             WHEN g % 3 = 0 THEN 'closed' ELSE 'resolved' END AS status) c;
SELECT setval(:'schema' || '.case_number_seq', 100000);

ANALYZE :"schema".users;
ANALYZE :"schema".customers;
ANALYZE :"schema".cases;
SELECT pg_size_pretty(pg_total_relation_size((:'schema' || '.cases')::regclass)) AS cases_size;
