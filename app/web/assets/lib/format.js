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

/** Formats a count with the grouping of the browser's locale ("1,234"). */
export function count(n) {
  return new Intl.NumberFormat().format(n);
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** Returns the wall-clock fields of an instant in a time zone. */
function wallClock(date, zone) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(date);
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  return {year: get('year'), month: get('month'), day: get('day'), hour: get('hour') % 24,
    minute: get('minute'), second: get('second')};
}

/**
 * Returns the value of a datetime-local input ("2026-12-04T14:05") that shows
 * an instant in the tenant's time zone, or '' for no value.
 */
export function zonedInputValue(value, zone = timeZone()) {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  const w = wallClock(d, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/**
 * Reads a datetime-local value as a wall-clock time in the tenant's time zone
 * and returns the instant in RFC 3339 (UTC), or null when the text is no such
 * value. A time that the zone skips when clocks go forward comes out an hour later.
 */
export function instantFromZonedInput(text, zone = timeZone()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text || '');
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // The zone's offset at a guess moves the guess; two rounds settle it, also next to an offset change.
  let guess = wall;
  for (let round = 0; round < 2; round++) {
    const w = wallClock(new Date(guess), zone);
    const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    guess += wall - shown;
  }
  return new Date(guess).toISOString();
}

/** Formats a duration given in hours: "25 min" below an hour, "5.5 h" below two days, "4 d 6 h" from there. */
export function hours(value) {
  if (value === null || value === undefined) return '';
  if (value < 1) return `${Math.max(1, Math.round(value * 60))} min`;
  if (value < 48) return `${Math.round(value * 10) / 10} h`;
  const total = Math.round(value);
  const days = Math.floor(total / 24);
  const rest = total % 24;
  return rest ? `${days} d ${rest} h` : `${days} d`;
}
