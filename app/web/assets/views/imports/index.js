// The Import module: its sidebar entry and routes.

import {registerModule} from '../../lib/modules.js';
import {route} from '../../lib/router.js';
import {importDetailsView} from './report.js';
import {importView} from './wizard.js';

registerModule({path: '/imports', label: 'Import', permission: 'customers.import', order: 40});
route('/imports', importView);
route('/imports/:id', importDetailsView);
