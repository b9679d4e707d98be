// Calendar-date helpers. Dates are plain 'YYYY-MM-DD' strings in the store's time zone,
// exactly as the query API takes and returns them; arithmetic runs on UTC midnights so
// that no browser time zone or daylight-saving shift can move a day.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Range presets offered in the picker, in display order. */
export const PRESETS = Object.freeze([
  { id: '7d', label: 'Last 7 days', days: 7 },
  { id: '30d', label: 'Last 30 days', days: 30 },
  { id: '90d', label: 'Last 90 days', days: 90 },
  { id: 'month', label: 'This month' },
]);

/** True for a real calendar date written as YYYY-MM-DD (rejects 2026-02-30). */
export function isIsoDate(value) {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function toUtcMillis(iso) {
  if (!isIsoDate(iso)) throw new RangeError(`not a YYYY-MM-DD date: ${iso}`);
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

function fromUtcMillis(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The date `days` days after `iso` (negative goes back). */
export function addDays(iso, days) {
  return fromUtcMillis(toUtcMillis(iso) + days * DAY_MS);
}

/** Number of days in the inclusive range from..to (1 when from === to). */
export function daysInRange(from, to) {
  return Math.round((toUtcMillis(to) - toUtcMillis(from)) / DAY_MS) + 1;
}

/** The equally long range just before {from, to}: what KPI tiles and charts compare with. */
export function previousRange({ from, to }) {
  const days = daysInRange(from, to);
  return { from: addDays(from, -days), to: addDays(from, -1) };
}

/** Today's date in the given IANA time zone, e.g. todayIn('Pacific/Auckland', new Date()). */
export function todayIn(timeZone, now = new Date()) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timeZone || 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** True when the runtime knows this IANA zone name. */
export function isValidTimeZone(timeZone) {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The inclusive {from, to} of a preset, ending today in the store's time zone.
 * 'month' runs from the 1st of the current month to today.
 */
export function presetRange(presetId, timeZone, now = new Date()) {
  const today = todayIn(timeZone, now);
  if (presetId === 'month') return { from: `${today.slice(0, 8)}01`, to: today };
  const preset = PRESETS.find((p) => p.id === presetId);
  if (!preset) throw new RangeError(`unknown range preset: ${presetId}`);
  return { from: addDays(today, -(preset.days - 1)), to: today };
}

/**
 * Checks a custom range typed by the merchant. Returns null when fine, or a sentence
 * saying what to fix.
 */
export function validateRange(from, to, { maxDays = 366 } = {}) {
  if (!isIsoDate(from)) return 'Enter a start date (YYYY-MM-DD).';
  if (!isIsoDate(to)) return 'Enter an end date (YYYY-MM-DD).';
  if (from > to) return 'The start date must be on or before the end date.';
  if (daysInRange(from, to) > maxDays) return `Pick a range of at most ${maxDays} days.`;
  return null;
}

function utcFormatter(locale, options) {
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...options });
}

/** 'Nov 1, 2026' for one calendar date. */
export function formatDay(iso, locale) {
  return utcFormatter(locale, { month: 'short', day: 'numeric', year: 'numeric' }).format(
    toUtcMillis(iso),
  );
}

/** 'Nov 1 – 7, 2026' style label for an inclusive range. */
export function formatRange(from, to, locale) {
  const f = utcFormatter(locale, { month: 'short', day: 'numeric', year: 'numeric' });
  return from === to ? f.format(toUtcMillis(from)) : f.formatRange(toUtcMillis(from), toUtcMillis(to));
}

/** Label of a time-series bucket that starts on `iso`: a day, 'Week of …' or 'November 2026'. */
export function formatBucket(iso, interval, locale) {
  const ms = toUtcMillis(iso);
  if (interval === 'month') return utcFormatter(locale, { month: 'long', year: 'numeric' }).format(ms);
  if (interval === 'week') return `Week of ${formatDay(iso, locale)}`;
  return utcFormatter(locale, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' }).format(ms);
}

/** A Date at UTC midnight of `iso`, for placing a calendar date on a D3 time axis. */
export function toAxisDate(iso) {
  return new Date(toUtcMillis(iso));
}
