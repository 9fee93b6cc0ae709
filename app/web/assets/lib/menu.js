// Menu buttons (the WAI-ARIA menu button pattern): a button with
// aria-haspopup="menu" opens a list of role="menuitem" entries. Enter, Space
// and the arrow keys open it. The arrow keys, Home, End and first letters move
// between items. Escape and Tab close it, and Escape returns focus to the button.

import {h} from './dom.js';

let nextId = 0;
let openMenu = null;

/**
 * Creates a menu button. items: [{label, href}] for links or
 * [{label, onSelect}] for actions. label is the button text; name, when
 * given, is its accessible name (such as "Actions for CUS-000001").
 */
export function menuButton({label, name, items, className = ''}) {
  const id = `menu${++nextId}`;
  const button = h('button', {
    type: 'button', class: `menu-button ${className}`.trim(), id: `${id}-button`,
    'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-controls': id, 'aria-label': name,
  }, label, h('span', {class: 'caret', 'aria-hidden': 'true'}, ' ▾'));
  const entries = items.filter(Boolean).map((item) => {
    const entry = item.href
      ? h('a', {role: 'menuitem', href: item.href, tabindex: '-1'}, item.label)
      : h('button', {type: 'button', role: 'menuitem', tabindex: '-1'}, item.label);
    entry.addEventListener('click', (event) => {
      close({focusButton: !item.href});
      if (item.onSelect) {
        event.preventDefault();
        item.onSelect();
      }
    });
    return entry;
  });
  const list = h('ul', {role: 'menu', id, 'aria-labelledby': `${id}-button`, hidden: true},
    entries.map((entry) => h('li', {role: 'none'}, entry)));
  const wrapper = h('div', {class: 'menu'}, button, list);

  function focusItem(index) {
    const count = entries.length;
    entries[((index % count) + count) % count].focus({preventScroll: true});
  }

  function open(focusIndex = 0) {
    if (openMenu && openMenu !== api) openMenu.close({focusButton: false});
    list.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    place();
    openMenu = api;
    document.addEventListener('pointerdown', onOutside, true);
    window.addEventListener('resize', onViewportChange);
    window.addEventListener('scroll', onViewportChange, true);
    focusItem(focusIndex);
  }

  function close({focusButton = true} = {}) {
    if (list.hidden) return;
    list.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (openMenu === api) openMenu = null;
    document.removeEventListener('pointerdown', onOutside, true);
    window.removeEventListener('resize', onViewportChange);
    window.removeEventListener('scroll', onViewportChange, true);
    if (focusButton) button.focus();
  }

  // The list is fixed to the viewport, so a table wrapper that scrolls sideways
  // cannot clip it. It opens upwards when there is no room below.
  function place() {
    const anchor = button.getBoundingClientRect();
    const width = list.offsetWidth;
    const height = list.offsetHeight;
    const left = Math.max(8, Math.min(anchor.right - width, window.innerWidth - width - 8));
    let top = anchor.bottom + 4;
    if (top + height > window.innerHeight - 8 && anchor.top - height - 4 >= 8) top = anchor.top - height - 4;
    list.style.left = `${Math.round(left)}px`;
    list.style.top = `${Math.round(top)}px`;
  }

  function onOutside(event) {
    if (!wrapper.contains(event.target)) close({focusButton: false});
  }

  // Scrolling moves the list with its button (focusing an item may scroll the
  // page itself); a resize closes it.
  function onViewportChange(event) {
    if (event.type === 'scroll') place();
    else close({focusButton: false});
  }

  button.addEventListener('click', () => {
    if (list.hidden) open(0);
    else close();
  });
  button.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open(0);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      open(entries.length - 1);
    }
  });
  list.addEventListener('keydown', (event) => {
    const index = entries.indexOf(document.activeElement);
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        focusItem(index + 1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        focusItem(index - 1);
        break;
      case 'Home':
        event.preventDefault();
        focusItem(0);
        break;
      case 'End':
        event.preventDefault();
        focusItem(entries.length - 1);
        break;
      case 'Escape':
        event.preventDefault();
        close();
        break;
      case 'Tab':
        close({focusButton: false});
        break;
      case ' ':
        // Space activates links too, as it does for menu items in desktop menus.
        event.preventDefault();
        if (index >= 0) entries[index].click();
        break;
      default:
        if (event.key.length === 1 && /\S/.test(event.key)) focusByLetter(event.key, index);
    }
  });

  // Typing a letter moves to the next item starting with it.
  function focusByLetter(letter, from) {
    const initial = letter.toLowerCase();
    for (let step = 1; step <= entries.length; step++) {
      const candidate = entries[(from + step) % entries.length];
      if (candidate.textContent.trim().toLowerCase().startsWith(initial)) {
        candidate.focus();
        return;
      }
    }
  }

  const api = {close};
  wrapper.button = button;
  return wrapper;
}
