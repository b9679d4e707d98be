// The customers list: which question to ask the API for the page's state, and how one row
// reads. Pure (no DOM), tested with node --test.

export const CUSTOMER_SORTS = Object.freeze([
  { id: 'recent', label: 'Recent' },
  { id: 'top', label: 'Top' },
]);

export const CUSTOMERS_LIMIT = 20;
export const MAX_PREFIX_LENGTH = 100;

/** A prefix as the API accepts it: trimmed, at most 100 characters ('' for none). */
export function cleanPrefix(value) {
  return String(value ?? '').trim().slice(0, MAX_PREFIX_LENGTH);
}

/**
 * The API parameters of the list the page shows: a prefix search when there is a prefix,
 * else the range's recent or top customers.
 */
export function customersQuery({ from, to }, { csort, prefix }) {
  const p = cleanPrefix(prefix);
  if (p) return { prefix: p, limit: String(CUSTOMERS_LIMIT) };
  return { from, to, sort: csort, limit: String(CUSTOMERS_LIMIT) };
}

/** A short file name part for the CSV of that list. */
export function customersFileName(query) {
  return query.prefix ? `customers_prefix_${query.prefix}` : `customers_${query.sort}_${query.from}_${query.to}`;
}

/**
 * '2026-11-03 14:05' for an ISO instant, in the store's time zone; '—' when unknown (null,
 * missing or not an instant).
 */
export function formatInstant(iso, timeZone, locale) {
  if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso))) return '—';
  try {
    return new Intl.DateTimeFormat(locale, {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}
