-- The four built-in roles. Administrators hold every permission; the others are
-- starting points that tenants copy into custom roles when they need a variant.
INSERT INTO {tenant}.roles (name, description, built_in, permissions) VALUES
('Administrator', 'Full access, including staff, roles and settings.', true,
 '{"customers.view":"all","customers.create":"all","customers.update":"all","customers.archive":"all",
   "customers.import":"all","customers.export":"all","prospects.view":"all","prospects.create":"all",
   "prospects.update":"all","prospects.convert":"all","activities.create":"all","cases.view":"all",
   "cases.create":"all","cases.update":"all","cases.assign":"all","cases.close":"all","deals.view":"all",
   "deals.create":"all","deals.update":"all","pipeline.manage":"all","reports.view":"all",
   "users.manage":"all","roles.manage":"all","settings.manage":"all","audit.view":"all"}'),
('Manager', 'Works with every record and manages the pipeline; no staff or settings.', true,
 '{"customers.view":"all","customers.create":"all","customers.update":"all","customers.archive":"all",
   "customers.import":"all","customers.export":"all","prospects.view":"all","prospects.create":"all",
   "prospects.update":"all","prospects.convert":"all","activities.create":"all","cases.view":"all",
   "cases.create":"all","cases.update":"all","cases.assign":"all","cases.close":"all","deals.view":"all",
   "deals.create":"all","deals.update":"all","pipeline.manage":"all","reports.view":"all","audit.view":"all"}'),
('Officer', 'Sees every record, changes the ones they own or are assigned to.', true,
 '{"customers.view":"all","customers.create":"all","customers.update":"own","prospects.view":"all",
   "prospects.create":"all","prospects.update":"own","prospects.convert":"all","activities.create":"all",
   "cases.view":"all","cases.create":"all","cases.update":"own","cases.close":"all","deals.view":"all",
   "deals.create":"all","deals.update":"own"}'),
('Viewer', 'Reads records and reports; changes nothing.', true,
 '{"customers.view":"all","prospects.view":"all","cases.view":"all","deals.view":"all","reports.view":"all"}');
