// Page wiring: read key, URL state, loading each panel, and the error banner. The pure
// logic lives in lib/ (tested with node --test); drawing lives in views/.

import { ApiError, createApiClient, describeError } from './lib/api.js';
import { PRESETS, formatRange, isValidTimeZone, previousRange, todayIn, validateRange } from './lib/dates.js';
import { FUNNEL_MODES } from './lib/funnel.js';
import { ACQUISITION_DIMENSIONS, INTERVALS, METRICS, PRODUCT_SORTS } from './lib/metrics.js';
import { VIEWS, decodeState, encodeState, resolveRange } from './lib/state.js';
import { failedBlock, h, loadingBlock, renderSegmented, setPressed } from './ui.js';
import { renderCustomer, renderCustomerNotFound, renderCustomerPrompt } from './views/customer.js';
import { CUSTOMER_SORTS, cleanPrefix, customersFileName, customersQuery } from './lib/customers.js';
import { renderCustomers } from './views/customers.js';
import { renderFunnel } from './views/funnel.js';
import { renderKpiSkeleton, renderKpis } from './views/kpis.js';
import { renderProducts } from './views/products.js';
import { renderSources } from './views/sources.js';
import { renderTrends } from './views/trends.js';

const KEY_STORAGE = 'tally.readKey';
const $ = (id) => document.getElementById(id);
const locale = navigator.languages?.[0] ?? navigator.language ?? 'en-US';
const apiBase = document.querySelector('meta[name="tally-api-base"]')?.content?.replace(/\/$/, '') ?? '';
const apiOrigin = apiBase || location.origin;

let readKey = null;
try {
  readKey = sessionStorage.getItem(KEY_STORAGE);
} catch {
  // Storage blocked (private mode settings): the key lives in memory for this page only.
}
function saveKey(key) {
  readKey = key;
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    /* memory only */
  }
}

const api = createApiClient({ baseUrl: apiBase, getKey: () => readKey });
let state = decodeState(location.search);
let store = null;
let timeZone = 'UTC';

// ---------------------------------------------------------------- status and errors

function announce(text) {
  const live = $('status-live');
  live.textContent = '';
  // A fresh text node after a tick is announced even when the text repeats.
  setTimeout(() => { live.textContent = text; }, 50);
}

const panelErrors = new Map();

function showBanner() {
  const banner = $('error-banner');
  const error = panelErrors.values().next().value;
  if (!error) {
    banner.hidden = true;
    delete banner.dataset.kind;
    return;
  }
  const message = describeError(error, apiOrigin);
  $('error-banner').querySelector('[data-testid="error-title"]').textContent = message.title;
  $('error-banner').querySelector('[data-testid="error-detail"]').textContent = message.detail;
  $('error-retry').hidden = message.action === 'changeKey';
  $('error-change-key').hidden = message.action !== 'changeKey' || !readKey;
  banner.dataset.kind = error.kind ?? 'unexpected';
  banner.hidden = false;
}

function setError(name, error) {
  if (error) panelErrors.set(name, error);
  else panelErrors.delete(name);
  showBanner();
}

function setAppState(value) {
  $('main').dataset.state = value;
}

// ---------------------------------------------------------------- panel loading

const loads = new Map(); // panel name -> { key, controller }

function setBodyState(body, value) {
  body.dataset.state = value;
  body.setAttribute('aria-busy', String(value === 'loading'));
}

/**
 * Loads one panel unless it already shows (or is loading) the same question. Older
 * requests for the panel are cancelled, so a quick series of clicks ends on the last one.
 */
function loadPanel(name, key, { body, fetch, render, loading, failed, onNotFound }) {
  const current = loads.get(name);
  if (current && current.key === key) return;
  current?.controller.abort();
  const controller = new AbortController();
  loads.set(name, { key, controller });
  setBodyState(body, 'loading');
  loading();
  fetch(controller.signal)
    .then((data) => {
      if (controller.signal.aborted) return;
      render(data);
      setError(name, null);
      setBodyState(body, body.querySelector('[data-testid="empty-state"]') ? 'empty' : 'ready');
    })
    .catch((error) => {
      if (controller.signal.aborted) return;
      if (onNotFound && error instanceof ApiError && error.kind === 'notFound') {
        onNotFound();
        setError(name, null);
        setBodyState(body, 'empty');
        return;
      }
      console.error(`Tally: loading ${name} failed`, error);
      loads.set(name, { key: null, controller }); // a retry or revisit asks again
      setError(name, error);
      setBodyState(body, 'error');
      // A short note in place; the banner above has the details and what to do.
      (failed ?? (() => body.replaceChildren(failedBlock('view-error'))))();
      if (error instanceof ApiError && error.kind === 'auth') showSignIn(describeError(error, apiOrigin).title);
    });
}

function forgetPanel(name) {
  loads.get(name)?.controller.abort();
  loads.delete(name);
  setError(name, null);
}

// ---------------------------------------------------------------- state and URL

function urlFor(next) {
  return `${location.pathname}${encodeState(next)}`;
}

function setState(patch) {
  const next = { ...state, ...patch };
  if (encodeState(next) === encodeState(state)) return;
  state = next;
  history.pushState(null, '', urlFor(state));
  render();
}

window.addEventListener('popstate', () => {
  state = decodeState(location.search);
  if (store) render();
});

// ---------------------------------------------------------------- controls

function buildControls() {
  renderSegmented($('range-presets'),
    PRESETS.map((p) => ({ id: p.id, label: p.label, testid: `range-preset-${p.id}` })),
    state.range, (id) => setState({ range: id, from: null, to: null }));

  $('range-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const from = $('range-from').value;
    const to = $('range-to').value;
    const problem = validateRange(from, to);
    $('range-error').textContent = problem ?? '';
    $('range-from').setAttribute('aria-invalid', String(Boolean(problem)));
    $('range-to').setAttribute('aria-invalid', String(Boolean(problem)));
    if (!problem) setState({ range: 'custom', from, to });
  });

  $('view-nav').replaceChildren(...VIEWS.map((v) => h('a', {
    href: urlFor({ ...state, view: v.id }),
    class: 'tab',
    'data-testid': `view-link-${v.id}`,
    'data-view': v.id,
    text: v.label,
    onclick: (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      setState({ view: v.id });
    },
  })));

  const select = $('timeseries-metric');
  select.replaceChildren(...METRICS.map((m) => h('option', { value: m.id, text: m.label })));
  select.addEventListener('change', () => setState({ metric: select.value }));
  renderSegmented($('timeseries-intervals'),
    INTERVALS.map((i) => ({ id: i.id, label: i.label, testid: `timeseries-interval-${i.id}` })),
    state.interval, (id) => setState({ interval: id }));

  renderSegmented($('funnel-modes'),
    FUNNEL_MODES.map((m) => ({ id: m.id, label: m.label, testid: `funnel-mode-${m.id.toLowerCase()}` })),
    state.funnel, (id) => setState({ funnel: id }));

  renderSegmented($('products-sorts'),
    PRODUCT_SORTS.map((s) => ({ id: s.id, label: s.label, testid: `products-sort-${s.id}` })),
    state.by, (id) => setState({ by: id }));

  renderSegmented($('sources-dims'),
    ACQUISITION_DIMENSIONS.map((d) => ({ id: d.id, label: d.label, testid: `sources-dim-${d.id}` })),
    state.dim, (id) => setState({ dim: id }));

  // Customers: a sort lists the range's buyers (and clears a search); a prefix searches all.
  renderSegmented($('customers-sorts'),
    CUSTOMER_SORTS.map((s) => ({ id: s.id, label: s.label, testid: `customers-sort-${s.id}` })),
    state.csort, (id) => setState({ csort: id, prefix: '' }));
  $('customers-search').addEventListener('submit', (event) => {
    event.preventDefault();
    setState({ prefix: cleanPrefix($('customers-prefix').value) });
  });

  $('user-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const uid = $('user-id-input').value.trim();
    if (!uid) {
      $('user-id-input').focus();
      announce('Enter a user id or anonymous id first.');
      return;
    }
    if (uid === state.user) {
      forgetPanel('customer'); // same id again: look it up afresh
      render();
    } else {
      setState({ user: uid });
    }
  });

  $('error-retry').addEventListener('click', () => {
    for (const name of [...panelErrors.keys()]) loads.delete(name);
    panelErrors.clear();
    showBanner();
    if (store) render();
    else connect();
  });
  $('error-change-key').addEventListener('click', signOut);
  $('sign-out').addEventListener('click', signOut);
}

function syncControls(range) {
  setPressed($('range-presets'), state.range);
  $('range-from').value = range.from;
  $('range-to').value = range.to;
  $('range-error').textContent = '';
  $('range-from').removeAttribute('aria-invalid');
  $('range-to').removeAttribute('aria-invalid');
  const preset = PRESETS.find((p) => p.id === state.range);
  $('range-label').textContent = `${formatRange(range.from, range.to, locale)} · ${preset ? preset.label : 'Custom range'} · store time (${timeZone})`;

  for (const link of $('view-nav').querySelectorAll('a')) {
    link.href = urlFor({ ...state, view: link.dataset.view });
    if (link.dataset.view === state.view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  $('timeseries-metric').value = state.metric;
  setPressed($('timeseries-intervals'), state.interval);
  setPressed($('funnel-modes'), state.funnel);
  $('funnel-mode-help').textContent = `Counting ${FUNNEL_MODES.find((m) => m.id === state.funnel).label.toLowerCase()}: ${FUNNEL_MODES.find((m) => m.id === state.funnel).description}.`;
  setPressed($('products-sorts'), state.by);
  setPressed($('sources-dims'), state.dim);
  if (document.activeElement !== $('user-id-input')) $('user-id-input').value = state.user;
  setPressed($('customers-sorts'), state.prefix ? null : state.csort);
  if (document.activeElement !== $('customers-prefix')) $('customers-prefix').value = state.prefix;
}

// ---------------------------------------------------------------- rendering

/** What each panel last asked the API, so its "Download CSV" asks the same as CSV. */
const csvRequests = new Map();

function render() {
  const range = resolveRange(state, timeZone);
  syncControls(range);
  const rangeKey = `${range.from}/${range.to}`;
  const fileRange = `${range.from}_${range.to}`;
  csvRequests.set('kpis', { path: '/api/v1/summary', params: { ...range }, name: `summary_${fileRange}` });

  loadPanel('kpis', rangeKey, {
    body: $('kpi-panel'),
    loading: () => {
      renderKpiSkeleton($('kpi-grid'));
      $('kpi-compare-label').textContent = '';
    },
    failed: () => $('kpi-grid').replaceChildren(failedBlock('kpi-error', 'The key figures could not be loaded.')),
    fetch: (signal) => api.summary(range, signal),
    render: (summary) => renderKpis($('kpi-grid'), $('kpi-compare-label'), summary, { locale }),
  });

  for (const view of VIEWS) {
    const section = $(`view-${view.id}`);
    const active = view.id === state.view;
    section.hidden = !active;
    if (!active) {
      // Emptied, not just hidden, so every data-testid on the page is unique and current.
      forgetPanel(view.id);
      $(`${view.id}-body`).replaceChildren();
    }
  }

  const viewLabel = VIEWS.find((v) => v.id === state.view).label;
  const loaded = () => announce(`${viewLabel} updated for ${formatRange(range.from, range.to, locale)}.`);
  const body = $(`${state.view}-body`);
  const loading = () => body.replaceChildren(loadingBlock('view-loading'));

  if (state.view === 'trends') {
    const { metric, interval } = state;
    csvRequests.set('trends', { path: '/api/v1/timeseries', params: { metric, interval, ...range }, name: `${metric}_by_${interval}_${fileRange}` });
    loadPanel('trends', `${rangeKey}/${metric}/${interval}`, {
      body, loading,
      // The previous period of equal length is drawn beside it; without it the chart still shows.
      fetch: async (signal) => {
        const [now, before] = await Promise.all([
          api.timeseries({ metric, interval, ...range }, signal),
          api.timeseries({ metric, interval, ...previousRange(range) }, signal).catch(() => null),
        ]);
        return { ...now, previous: before };
      },
      render: (series) => { renderTrends(body, series, { locale, range, today: todayIn(timeZone) }); loaded(); },
    });
  } else if (state.view === 'funnel') {
    const mode = state.funnel;
    csvRequests.set('funnel', { path: '/api/v1/funnel', params: { ...range }, name: `funnel_${fileRange}` });
    loadPanel('funnel', `${rangeKey}/${mode}`, {
      body, loading,
      fetch: (signal) => api.funnel(range, signal),
      render: (funnel) => { renderFunnel(body, funnel, { locale, mode, range }); loaded(); },
    });
  } else if (state.view === 'products') {
    const { by } = state;
    csvRequests.set('products', { path: '/api/v1/products/top', params: { ...range, by, limit: '10' }, name: `top_products_by_${by}_${fileRange}` });
    loadPanel('products', `${rangeKey}/${by}`, {
      body, loading,
      fetch: (signal) => api.topProducts({ ...range, by, limit: 10 }, signal),
      render: (data) => { renderProducts(body, data, { by, locale, range, onSort: (id) => setState({ by: id }) }); loaded(); },
    });
  } else if (state.view === 'sources') {
    const { dim } = state;
    csvRequests.set('sources', { path: '/api/v1/acquisition', params: { ...range, by: dim, limit: '20' }, name: `sessions_by_${dim}_${fileRange}` });
    loadPanel('sources', `${rangeKey}/${dim}`, {
      body, loading,
      fetch: (signal) => api.acquisition({ ...range, by: dim, limit: 20 }, signal),
      render: (data) => { renderSources(body, data, { dim, locale, range }); loaded(); },
    });
  } else if (state.view === 'customers') {
    const params = customersQuery(range, state);
    csvRequests.set('customers', { path: '/api/v1/customers', params, name: customersFileName(params) });
    loadPanel('customers', new URLSearchParams(params).toString(), {
      body, loading,
      fetch: (signal) => api.customers(params, signal),
      render: (data) => {
        renderCustomers(body, data, { locale, range, timeZone, onOpen: (uid) => setState({ view: 'customer', user: uid }) });
        loaded();
      },
    });
  } else if (state.view === 'customer') {
    const uid = state.user;
    $('csv-customer').hidden = !uid;
    csvRequests.set('customer', { path: `/api/v1/users/${encodeURIComponent(uid)}/metrics`, params: { ...range }, name: `customer_${fileRange}` });
    if (!uid) {
      forgetPanel('customer');
      renderCustomerPrompt(body);
      setBodyState(body, 'idle');
    } else {
      loadPanel('customer', `${rangeKey}/${uid}`, {
        body, loading,
        fetch: (signal) => api.userMetrics({ uid, ...range }, signal),
        render: (data) => { renderCustomer(body, { ...data, uid: data.uid ?? uid }, { locale, range }); loaded(); },
        onNotFound: () => renderCustomerNotFound(body, uid, range, locale),
      });
    }
  }
}

// ---------------------------------------------------------------- CSV downloads

async function downloadCsv(panel, button) {
  const request = csvRequests.get(panel);
  if (!request) return;
  button.disabled = true;
  try {
    const text = await api.csv(request);
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `tally_${store?.id ?? 'store'}_${request.name}.csv`.replace(/[^A-Za-z0-9_.-]/g, '-');
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setError(`csv-${panel}`, null);
    announce('CSV downloaded.');
  } catch (error) {
    setError(`csv-${panel}`, error);
  } finally {
    button.disabled = false;
  }
}

document.addEventListener('click', (event) => {
  const button = event.target.closest?.('[data-csv]');
  if (button) downloadCsv(button.dataset.csv, button);
});

// ---------------------------------------------------------------- sign-in

function showSignIn(message = '') {
  for (const name of [...loads.keys()]) forgetPanel(name);
  saveKey(null);
  store = null;
  $('dashboard').hidden = true;
  $('page-loading').hidden = true;
  $('sign-out').hidden = true;
  $('store-info').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message;
  $('signin-key').setAttribute('aria-invalid', String(Boolean(message)));
  panelErrors.clear();
  showBanner();
  setAppState('signin');
  $('signin-key').focus();
}

function signOut() {
  showSignIn('');
  $('signin-key').value = '';
  announce('Signed out. Enter a read key to open the dashboard.');
}

async function connect({ fromSignIn = false } = {}) {
  setAppState('connecting');
  $('page-loading').hidden = false;
  try {
    store = await api.store();
  } catch (error) {
    $('page-loading').hidden = true;
    if (error instanceof ApiError && error.kind === 'auth') {
      showSignIn(describeError(error, apiOrigin).title);
      return;
    }
    const message = describeError(error, apiOrigin);
    if (fromSignIn) {
      $('signin-error').textContent = `${message.title} ${message.detail}`;
      setAppState('signin');
      return;
    }
    setError('store', error);
    setAppState('error');
    return;
  }
  setError('store', null);
  timeZone = isValidTimeZone(store.timezone) ? store.timezone : 'UTC';
  $('page-loading').hidden = true;
  $('signin').hidden = true;
  $('dashboard').hidden = false;
  $('sign-out').hidden = false;
  const info = $('store-info');
  info.replaceChildren(h('span', { class: 'store-name', 'data-testid': 'store-id', text: store.name ?? store.id ?? 'Store' }),
    h('span', { class: 'muted', text: ` · ${timeZone} · ${store.currency ?? ''}` }));
  info.hidden = false;
  setAppState('ready');
  render();
  if (fromSignIn) {
    $('main').focus();
    announce(`Signed in to ${store.name ?? store.id}.`);
  }
}

$('signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('signin-key').value.trim();
  if (!key) {
    $('signin-error').textContent = 'Paste the read key first.';
    $('signin-key').focus();
    return;
  }
  $('signin-error').textContent = '';
  saveKey(key);
  $('signin-key').value = '';
  connect({ fromSignIn: true });
});

// ---------------------------------------------------------------- start

if (!globalThis.d3) {
  setError('startup', new Error('The chart library (vendor/d3.min.js) did not load; the dashboards were deployed without it'));
}
buildControls();
history.replaceState(null, '', urlFor(state)); // canonical URL; drops anything unknown, such as a pasted key
if (readKey) connect();
else showSignIn('');
