-- Trigram indexes make substring search on names, emails and phone digits fast.
-- Extensions live in their own schema so that no tenant needs "public" on its
-- search path; queries name the operator class as ext.gin_trgm_ops.
CREATE SCHEMA IF NOT EXISTS ext;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA ext;
GRANT USAGE ON SCHEMA ext TO {app_role};
