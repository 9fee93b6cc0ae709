// The Customer Management and Prospects modules: their sidebar entries and
// routes, and the Profile and History tabs of record pages.

import {registerModule} from '../../lib/modules.js';
import {route} from '../../lib/router.js';
import {recordView} from './details.js';
import {editRecordView, newRecordView} from './form.js';
import {listView} from './list.js';
import {customers, prospects} from './resource.js';
import './profile.js';
import './history.js';

function registerRecords(resource, order) {
  registerModule({path: resource.path, label: resource.title, permission: resource.permissions.view, order});
  // "new" comes before ":key", which would match it too.
  route(resource.path, listView(resource));
  route(`${resource.path}/new`, newRecordView(resource));
  route(`${resource.path}/:key/edit`, editRecordView(resource));
  route(`${resource.path}/:key`, recordView(resource));
}

registerRecords(customers, 10);
registerRecords(prospects, 20);
