-- Undoing an import removes the records it created: they never existed outside
-- the import. Everything else archives records instead of deleting them, and
-- the server deletes customers on that one path only.

GRANT DELETE ON {tenant}.customers TO {app_role};
