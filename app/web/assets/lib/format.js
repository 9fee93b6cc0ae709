// Showing dates, times and money the way the tenant expects them.

import {currency, timeZone} from './session.js';

/** Formats an RFC 3339 instant in the tenant's time zone, e.g. "4 Dec 2026, 14:05". */
export function dateTime(value) {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(undefined, {
    timeZone: timeZone(), day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
  }).format(d);
}

/** Formats a calendar date (YYYY-MM-DD) without shifting it through a time zone. */
export function date(value) {
  if (!value) return '';
  const [y, m, d] = value.split('-').map(Number);
  if (!y || !m || !d) return value;
  return new Intl.DateTimeFormat(undefined, {timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric'})
    .format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * Formats an amount given in integer minor units (cents) without floating
 * point: the digits are split as text, then grouped by Intl for the integer part.
 */
export function money(minor, code = currency()) {
  if (minor === null || minor === undefined || minor === '') return '';
  const digits = new Intl.NumberFormat(undefined, {style: 'currency', currency: code}).resolvedOptions().maximumFractionDigits;
  let text = BigInt(minor).toString();
  const negative = text.startsWith('-');
  if (negative) text = text.slice(1);
  text = text.padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits) || '0';
  const fraction = digits > 0 ? text.slice(-digits) : '';
  const grouped = new Intl.NumberFormat(undefined, {useGrouping: true}).format(BigInt(whole));
  const symbol = new Intl.NumberFormat(undefined, {style: 'currency', currency: code, currencyDisplay: 'code'})
    .formatToParts(0).find((p) => p.type === 'currency').value;
  return `${negative ? '-' : ''}${symbol} ${grouped}${fraction ? `.${fraction}` : ''}`;
}

/** Parses "1,234.56" into integer minor units as a string, or null if invalid. */
export function parseMoney(text, code = currency()) {
  const digits = new Intl.NumberFormat(undefined, {style: 'currency', currency: code}).resolvedOptions().maximumFractionDigits;
  const clean = String(text).replace(/[\s,]/g, '');
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(clean);
  if (!m || (m[3] && m[3].length > digits)) return null;
  const fraction = (m[3] || '').padEnd(digits, '0');
  return `${m[1]}${BigInt(m[2] + fraction).toString()}`;
}

/** Returns "Title Case" for a status such as "in_progress". */
export function label(value) {
  if (!value) return '';
  const text = String(value).replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
