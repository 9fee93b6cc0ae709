-- Roles, database and privileges of a production Lendastack database.
-- Run once as a superuser, with the two passwords as psql variables:
--   psql -X -v ON_ERROR_STOP=1 -v owner_password='...' -v app_password='...' \
--        -d postgres -f deploy/postgres-bootstrap.sql
-- Running it again keeps the roles and the database and resets their settings.

-- lendastack_owner owns the schemas and runs migrations and the tenant command.
-- lendastack_app is what the servers use: it owns nothing and gets, per tenant
-- schema, only the grants each migration gives it.
SELECT 'CREATE ROLE lendastack_owner LOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lendastack_owner')
\gexec
SELECT 'CREATE ROLE lendastack_app LOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lendastack_app')
\gexec
ALTER ROLE lendastack_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
ALTER ROLE lendastack_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'app_password';

-- Session settings of the application role. Connections through a transaction-pooling
-- pgbouncer carry no startup options, and a SET would leak to other clients.
ALTER ROLE lendastack_app SET TimeZone = 'UTC';
ALTER ROLE lendastack_app SET statement_timeout = '5s';
ALTER ROLE lendastack_app SET idle_in_transaction_session_timeout = '30s';

SELECT 'CREATE DATABASE lendastack OWNER lendastack_owner ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'lendastack')
\gexec
ALTER DATABASE lendastack OWNER TO lendastack_owner;
REVOKE ALL ON DATABASE lendastack FROM PUBLIC;
GRANT CONNECT ON DATABASE lendastack TO lendastack_app;
\connect lendastack
REVOKE ALL ON SCHEMA public FROM PUBLIC;
