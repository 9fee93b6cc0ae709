// The Cases module: its sidebar entry and routes, and the Cases tab of record pages.

import {registerModule} from '../../lib/modules.js';
import {route} from '../../lib/router.js';
import {caseView} from './details.js';
import {newCaseView} from './form.js';
import {casesListView} from './list.js';
import './tab.js';

registerModule({path: '/cases', label: 'Cases', permission: 'cases.view', order: 30});
// "new" comes before ":number", which would match it too.
route('/cases', casesListView);
route('/cases/new', newCaseView);
route('/cases/:number', caseView);
