-- Fills a tenant with person customers, for scripts/bench and docs/benchmarks/customers.md.
-- Run as the PostgreSQL superuser on a new tenant whose administrator is user 1;
-- count is the number of customers (default 1,000,000):
--   psql "$LENDASTACK_PG_SUPER" -v schema=tenant_000002 [-v count=N] -f docs/benchmarks/customers-fill.sql
\if :{?count}
\else
\set count 1000000
\endif

INSERT INTO :"schema".customers (kind, lifecycle, status, code, code_number, first_name, last_name,
    email, email_key, phones, phone_keys, owner_id, tags, display_name, sort_name, search_text,
    created_by, updated_by, created_at, updated_at)
SELECT 'person', 'customer', (ARRAY['active','active','active','inactive','dormant','blacklisted'])[1 + (g % 6)],
    'CUS-' || CASE WHEN g > 999999 THEN g::text ELSE lpad(g::text, 6, '0') END, g, fn, ln,
    em, em, jsonb_build_array(jsonb_build_object('label', 'Mobile', 'number', ph, 'e164', ph, 'extension', null)),
    ARRAY[ph], 1, CASE WHEN g % 100 = 0 THEN ARRAY['vip'] ELSE '{}'::text[] END,
    fn || ' ' || ln, lower(ln || ' ' || fn),
    lower('CUS-' || CASE WHEN g > 999999 THEN g::text ELSE lpad(g::text, 6, '0') END) || E'\n' || lower(fn) || E'\n' || lower(ln) || E'\n' || em || E'\n' || substr(ph, 2),
    1, 1, timestamptz '2026-01-01' + g * interval '20 second', timestamptz '2026-01-01' + g * interval '20 second'
FROM generate_series(1, :count) g,
LATERAL (SELECT (ARRAY['Lena','Max','Anna','Jonas','Sofia','Noah','Emma','Liam','Mia','Ben','Lea','Paul','Hanna','Luis','Ida','Elias','Lina','Felix','Ella','Leon','José','Zoë','Björn','Chloé','Renée','Ahmed','Yuki','Chen','Olga','Ivan'])[1 + (g % 30)] AS fn,
        (ARRAY['Müller','Schmidt','Schneider','Fischer','Weber','Meyer','Wagner','Becker','Schulz','Hoffmann','Koch','Bauer','Richter','Klein','Wolf','Schröder','Neumann','Schwarz','Zimmermann','Braun','Krüger','Hofmann','Hartmann','Lange','Schmitt','Werner','Schmitz','Krause','Meier','Lehmann','Smith','Johnson','Williams','Brown','Jones','Garcia','Miller','Davis','Rodriguez','Martinez','Hernández','López','González','Wilson','Anderson','Thomas','Taylor','Moore','Jackson','Martin','Lee','Pérez','Thompson','White','Harris','Sánchez','Clark','Ramírez','Lewis','Robinson','Walker'])[1 + ((g / 30) % 61)] AS ln) n,
LATERAL (SELECT lower(translate(fn || '.' || ln, 'üöéëíóá', 'uoeeioa')) || g || '@example.com' AS em,
        '+1555' || lpad((g % 10000000)::text, 7, '0') AS ph) e;
SELECT setval(:'schema' || '.customer_code_seq', :count);
ANALYZE :"schema".customers;
SELECT pg_size_pretty(pg_total_relation_size((:'schema' || '.customers')::regclass));
