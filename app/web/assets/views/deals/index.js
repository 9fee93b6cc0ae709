// The Pipeline and Reports modules: their sidebar entries and routes, and the
// Deals tab of record pages.

import {registerModule} from '../../lib/modules.js';
import {route} from '../../lib/router.js';
import {boardView} from './board.js';
import {dealView} from './details.js';
import {newDealView} from './form.js';
import {reportsView} from './reports.js';
import {pipelineSettingsView} from './settings.js';
import './tab.js';

registerModule({path: '/pipeline', label: 'Pipeline', permission: 'deals.view', order: 35});
registerModule({path: '/reports', label: 'Reports', permission: 'reports.view', order: 50});
route('/pipeline', boardView);
route('/pipeline/settings', pipelineSettingsView);
route('/deals/new', newDealView); // before ':id', which would match it too
route('/deals/:id', dealView);
route('/reports', reportsView);
