// The Staff module: staff members, roles and API tokens.

import {registerModule} from '../../lib/modules.js';
import {route} from '../../lib/router.js';
import {roleEditView, rolesView} from './roles.js';
import {tokensView} from './tokens.js';
import {usersView} from './users.js';

registerModule({path: '/staff', label: 'Staff', permission: 'users.manage', order: 80});
route('/staff', usersView);
route('/staff/roles', rolesView);
route('/staff/roles/new', roleEditView);
route('/staff/roles/:id', roleEditView);
route('/staff/tokens', tokensView);
