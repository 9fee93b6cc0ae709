// "Convert to Customer" at the bottom of a prospect's form: saves what the
// user changed, converts, and opens the new customer's page with its code and
// what carried over.

import {api} from '../../lib/api.js';
import {h} from '../../lib/dom.js';
import {confirmDialog} from '../../lib/dialog.js';
import {showErrors} from '../../lib/form.js';
import {flash} from '../../lib/notice.js';
import {go, link} from '../../lib/router.js';

const CARRIED_NOUNS = {
  history_entries: ['history entry', 'history entries'],
  activities: ['activity', 'activities'],
  cases: ['case', 'cases'],
  deals: ['deal', 'deals'],
};

/** Returns "2 cases, 1 history entry" for the carried_over counts of a conversion, leaving out zeros. */
export function carriedOverText(counts) {
  const parts = Object.entries(counts || {}).filter(([, n]) => n > 0).map(([name, n]) => {
    const [one, many] = CARRIED_NOUNS[name] || [name.replace(/_/g, ' '), name.replace(/_/g, ' ')];
    return `${n} ${n === 1 ? one : many}`;
  });
  return parts.length ? parts.join(', ') : 'nothing linked yet';
}

/**
 * Creates the section with the button. Errors go to form. hasChanges() returns
 * whether the form contains unsaved changes, and saveChanges() saves them and
 * resolves true on success.
 */
export function convertSection({record, form, hasChanges, saveChanges}) {
  const button = h('button', {type: 'button', class: 'primary'}, 'Convert to Customer');
  const section = h('section', {class: 'panel convert', 'aria-labelledby': 'convert-heading'},
    h('h2', {id: 'convert-heading'}, 'Convert to Customer'),
    h('p', {}, `${record.reference} becomes an active customer with a new Customer Code. It keeps its reference, `
      + 'its history and everything linked to it.'),
    button);

  button.addEventListener('click', async () => {
    const unsaved = hasChanges();
    const ok = await confirmDialog({
      title: `Convert ${record.reference} to a customer?`,
      message: [`${record.display_name} gets the next Customer Code and leaves the prospect list.`,
        unsaved ? 'Your changes in this form are saved first.' : null].filter(Boolean),
      confirmLabel: 'Convert to Customer',
    });
    if (!ok) return;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      if (unsaved && !(await saveChanges())) return;
      const {data} = await api.post(`/prospects/${encodeURIComponent(record.reference)}/convert`);
      const customer = data.customer;
      flash(`${record.reference} is now customer ${customer.code}. Carried over: ${carriedOverText(data.carried_over)}.`);
      go(link('customers', customer.code).slice(1));
    } catch (err) {
      showErrors(form, err);
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  });
  return section;
}
