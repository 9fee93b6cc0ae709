// Modal dialogs on the native <dialog> element: showModal() makes the rest of
// the page inert and keeps focus inside, Escape closes, and focus returns to
// the element that had it before the dialog opened.

import {h} from './dom.js';

let nextId = 0;

/**
 * Opens a modal dialog with a heading and content (nodes). Returns
 * {dialog, body, close, closed}: close(value) closes it and resolves the
 * promise `closed` with value, which is undefined after Escape or the Close button.
 */
export function openDialog({title, content, wide = false}) {
  const id = `dialog${++nextId}`;
  const opener = document.activeElement;
  const closeButton = h('button', {type: 'button', class: 'dialog-close', 'aria-label': 'Close'}, '×');
  const body = h('div', {class: 'dialog-body'}, content);
  const dialog = h('dialog', {class: wide ? 'dialog wide' : 'dialog', 'aria-labelledby': `${id}-title`},
    h('div', {class: 'dialog-head'}, h('h2', {id: `${id}-title`}, title), closeButton),
    body);
  let result;
  let resolveClosed;
  const closed = new Promise((resolve) => {
    resolveClosed = resolve;
  });

  function close(value) {
    result = value;
    if (dialog.open) dialog.close();
  }

  closeButton.addEventListener('click', () => close(undefined));
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
    resolveClosed(result);
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = body.querySelector('[autofocus], input, select, textarea, button, a[href]');
  (first || closeButton).focus();
  return {dialog, body, close, closed};
}

/**
 * Asks the user to confirm an action. Resolves true when they press the
 * confirm button and false when they cancel, press Escape or close.
 */
export async function confirmDialog({title, message, confirmLabel, danger = false}) {
  const confirm = h('button', {type: 'button', class: danger ? 'danger-solid' : 'primary'}, confirmLabel);
  const cancel = h('button', {type: 'button'}, 'Cancel');
  const messages = Array.isArray(message) ? message : [message];
  const {close, closed} = openDialog({
    title,
    content: [messages.map((m) => (m instanceof Node ? m : h('p', {}, m))),
      h('div', {class: 'actions dialog-actions'}, confirm, cancel)],
  });
  confirm.addEventListener('click', () => close(true));
  cancel.addEventListener('click', () => close(false));
  confirm.focus();
  return Boolean(await closed);
}
