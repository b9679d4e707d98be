// What the merchant is looking at, kept in the query string so that a link can be shared:
// ?range=7d&view=funnel&funnel=userDays  or  ?from=2026-11-01&to=2026-11-14&view=trends
// The read key is never part of this state. Unknown or malformed values fall back to the
// defaults instead of breaking the page.

import { PRESETS, isIsoDate, presetRange } from './dates.js';
import { ACQUISITION_DIMENSIONS, INTERVALS, METRIC_IDS, PRODUCT_SORTS } from './metrics.js';
import { FUNNEL_MODES } from './funnel.js';
import { CUSTOMER_SORTS, cleanPrefix } from './customers.js';

export const VIEWS = Object.freeze([
  { id: 'trends', label: 'Trends' },
  { id: 'funnel', label: 'Funnel' },
  { id: 'products', label: 'Top products' },
  { id: 'sources', label: 'Sources' },
  { id: 'customers', label: 'Customers' },
  { id: 'customer', label: 'Customer lookup' },
]);

export const MAX_USER_ID_LENGTH = 256;

export const DEFAULT_STATE = Object.freeze({
  range: '30d',
  from: null,
  to: null,
  view: 'trends',
  metric: 'revenue',
  interval: 'day',
  funnel: 'users',
  by: 'revenue',
  dim: 'source',
  user: '',
  csort: 'recent',
  prefix: '',
});

const ALLOWED = {
  range: [...PRESETS.map((p) => p.id), 'custom'],
  view: VIEWS.map((v) => v.id),
  metric: METRIC_IDS,
  interval: INTERVALS.map((i) => i.id),
  funnel: FUNNEL_MODES.map((m) => m.id),
  by: PRODUCT_SORTS.map((s) => s.id),
  dim: ACQUISITION_DIMENSIONS.map((d) => d.id),
  csort: CUSTOMER_SORTS.map((s) => s.id),
};

function pick(params, name) {
  const value = params.get(name);
  return value !== null && ALLOWED[name].includes(value) ? value : DEFAULT_STATE[name];
}

/** Reads a state from a query string ('?a=b' or 'a=b') or URLSearchParams. */
export function decodeState(search) {
  const params = search instanceof URLSearchParams ? search : new URLSearchParams(search ?? '');
  const state = {
    ...DEFAULT_STATE,
    view: pick(params, 'view'),
    metric: pick(params, 'metric'),
    interval: pick(params, 'interval'),
    funnel: pick(params, 'funnel'),
    by: pick(params, 'by'),
    dim: pick(params, 'dim'),
    user: (params.get('user') ?? '').trim().slice(0, MAX_USER_ID_LENGTH),
    csort: pick(params, 'csort'),
    prefix: cleanPrefix(params.get('prefix')),
  };
  const from = params.get('from');
  const to = params.get('to');
  const range = params.get('range');
  const customAsked = range === null || range === 'custom';
  if (customAsked && isIsoDate(from) && isIsoDate(to) && from <= to) {
    return { ...state, range: 'custom', from, to };
  }
  const preset = pick(params, 'range');
  return { ...state, range: preset === 'custom' ? DEFAULT_STATE.range : preset };
}

/** The query string for a state, defaults left out, in a stable order ('' for all defaults). */
export function encodeState(state) {
  const params = new URLSearchParams();
  if (state.range === 'custom') {
    params.set('from', state.from);
    params.set('to', state.to);
  } else if (state.range !== DEFAULT_STATE.range) {
    params.set('range', state.range);
  }
  for (const name of ['view', 'metric', 'interval', 'funnel', 'by', 'dim']) {
    if (state[name] !== DEFAULT_STATE[name]) params.set(name, state[name]);
  }
  if (state.user) params.set('user', state.user);
  if (state.csort !== DEFAULT_STATE.csort) params.set('csort', state.csort);
  if (state.prefix) params.set('prefix', state.prefix);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The concrete inclusive dates of a state: a preset is resolved against today in the store's zone. */
export function resolveRange(state, timeZone, now = new Date()) {
  if (state.range === 'custom') return { from: state.from, to: state.to };
  return presetRange(state.range, timeZone, now);
}
