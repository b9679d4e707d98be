// Display formatting. Money arrives as a decimal string plus a currency code and is never
// turned into a binary float for display: Intl.NumberFormat formats the string itself
// (ECMA-402 reads a numeric string as an exact decimal), and every fraction digit the API
// sent is kept, so what the merchant reads is what the API computed.

const DECIMAL = /^-?\d+(\.\d+)?$/;
const CURRENCY = /^[A-Z]{3}$/;

/** True for a plain decimal string such as '12.50' or '-3' (no exponent, no grouping). */
export function isDecimalString(value) {
  return typeof value === 'string' && DECIMAL.test(value);
}

function fractionDigits(decimal) {
  const dot = decimal.indexOf('.');
  return dot < 0 ? 0 : decimal.length - dot - 1;
}

/**
 * '$1,234.50' for ('1234.50', 'USD'). Falls back to '1234.50 USD' (the value untouched) when
 * the string or currency code is not something Intl can format exactly.
 */
export function formatMoney(decimal, currency, locale) {
  const text = typeof decimal === 'number' ? String(decimal) : decimal;
  if (!isDecimalString(text)) return text == null || text === '' ? '—' : `${text} ${currency ?? ''}`.trim();
  if (!CURRENCY.test(currency ?? '')) return `${text} ${currency ?? ''}`.trim();
  try {
    const base = new Intl.NumberFormat(locale, { style: 'currency', currency });
    const digits = Math.min(20, Math.max(base.resolvedOptions().minimumFractionDigits, fractionDigits(text)));
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(text);
  } catch {
    return `${text} ${currency}`;
  }
}

/** Compact money for chart axes only ('$1.2K'); tooltips and tables use formatMoney. */
export function formatMoneyAxis(number, currency, locale) {
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumFractionDigits: 1,
    }).format(number);
  } catch {
    return String(number);
  }
}

/** '1,234' for a count; '—' for null or missing. */
export function formatCount(value, locale) {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

/** '12.4%' for 0.1237; one decimal by default, '—' for null. */
export function formatPercent(ratio, locale, digits = 1) {
  if (ratio === null || ratio === undefined || !Number.isFinite(Number(ratio))) return '—';
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(Number(ratio));
}

/**
 * Period-over-period change for a KPI tile. `change` is a ratio (0.2345 = +23.45 %) or null
 * when there is nothing to compare with. Then `value` decides: something now where there was
 * nothing before is 'New'; nothing now (0 → 0, or an undefined average) is '—'. Returns the short
 * text, a direction for styling and a sentence for screen readers.
 */
export function formatChange(change, locale, value) {
  if (change === null || change === undefined || !Number.isFinite(Number(change))) {
    const now = value === null || value === undefined || value === '' ? NaN : Number(value);
    if (Number.isFinite(now) && now > 0) {
      return { text: 'New', direction: 'none', description: 'no data in the previous period to compare with' };
    }
    return { text: '—', direction: 'none', description: 'nothing to compare with' };
  }
  const ratio = Number(change);
  const magnitude = formatPercent(Math.abs(ratio), locale);
  if (magnitude === formatPercent(0, locale)) {
    return { text: `±${magnitude}`, direction: 'flat', description: 'unchanged from the previous period' };
  }
  if (ratio > 0) {
    return { text: `▲ ${magnitude}`, direction: 'up', description: `up ${magnitude} from the previous period` };
  }
  return { text: `▼ ${magnitude}`, direction: 'down', description: `down ${magnitude} from the previous period` };
}

/** Formats a value by the unit the time-series API reports: 'count', 'money' or 'ratio'. */
export function formatValue(value, unit, currency, locale) {
  if (unit === 'money') return formatMoney(value, currency, locale);
  if (unit === 'ratio') return formatPercent(value, locale);
  return formatCount(value, locale);
}

/** Number to plot for a value of any unit (chart geometry only, never shown as text). */
export function plotNumber(value) {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** 'Products added' for 'productsAdded'. */
export function humanize(camel) {
  const words = String(camel).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
