// Traffic sources: sessions by source / medium, campaign, landing page or device, as a D3
// bar chart and a table with the orders, revenue and conversion of those sessions.

import { formatRange } from '../lib/dates.js';
import { formatCount, formatMoney, formatPercent, plotNumber } from '../lib/format.js';
import { ACQUISITION_DIMENSIONS } from '../lib/metrics.js';
import { emptyBlock, h, tableToggle } from '../ui.js';

const d3 = () => globalThis.d3;

function sourcesTable(rows, totals, { label, currency, locale, caption }) {
  const cells = (r) => [
    h('td', { class: 'num', 'data-testid': 'source-sessions', 'data-raw': r.sessions ?? '', text: formatCount(r.sessions, locale) }),
    h('td', { class: 'num', 'data-testid': 'source-orders', 'data-raw': r.ordersCompleted ?? '', text: formatCount(r.ordersCompleted, locale) }),
    h('td', { class: 'num', 'data-testid': 'source-revenue', 'data-raw': r.revenue ?? '', text: formatMoney(r.revenue, currency, locale) }),
    h('td', { class: 'num', 'data-testid': 'source-conversion', 'data-raw': r.conversionRate ?? '', text: formatPercent(r.conversionRate, locale) }),
  ];
  const header = h('tr', {},
    h('th', { scope: 'col', text: label }),
    ['Sessions', 'Orders', 'Revenue', 'Orders per session'].map((t) => h('th', { scope: 'col', class: 'num', text: t })));
  const body = rows.map((r) => h('tr', { 'data-testid': 'source-row' },
    h('th', { scope: 'row', class: 'source-value', 'data-testid': 'source-value', text: r.value }), cells(r)));
  const foot = h('tr', { 'data-testid': 'source-totals' }, h('th', { scope: 'row', text: 'All sessions' }), cells(totals));
  return h('div', { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
    h('table', { class: 'data-table', 'data-testid': 'sources-table' },
      h('caption', { text: caption }), h('thead', {}, header), h('tbody', {}, body), h('tfoot', {}, foot)));
}

function sourcesChart(rows, { locale, label }) {
  const chart = h('div', { class: 'chart bars', 'data-testid': 'sources-chart' });
  const rowHeight = 40;
  const max = d3().max(rows, (r) => plotNumber(r.sessions)) || 1;
  const svg = d3().select(chart).append('svg')
    .attr('width', '100%')
    .attr('height', rows.length * rowHeight)
    .attr('role', 'img')
    .attr('aria-label', `${label}: ${rows.map((r) => `${r.value} ${formatCount(r.sessions, locale)}`).join('; ')}`);
  const row = svg.selectAll('g').data(rows).join('g').attr('transform', (r, i) => `translate(0,${i * rowHeight})`);
  row.append('text').attr('class', 'bar-label').attr('x', 0).attr('y', 14)
    .text((r) => (r.value.length > 40 ? `${r.value.slice(0, 39)}…` : r.value));
  row.append('text').attr('class', 'bar-value').attr('x', '100%').attr('y', 14).attr('text-anchor', 'end')
    .text((r) => formatCount(r.sessions, locale));
  row.append('rect').attr('class', 'bar-track').attr('x', 0).attr('y', 20).attr('height', 10).attr('width', '100%').attr('rx', 2);
  row.append('rect').attr('class', 'bar').attr('x', 0).attr('y', 20).attr('height', 10).attr('rx', 2)
    .attr('width', (r) => `${Math.max(0.5, (plotNumber(r.sessions) / max) * 100)}%`);
  return chart;
}

export function renderSources(body, data, { dim, locale, range }) {
  const rows = Array.isArray(data.rows) ? data.rows : [];
  const rangeText = formatRange(range.from, range.to, locale);
  if (rows.length === 0) {
    body.replaceChildren(emptyBlock({
      title: 'No sessions in this range yet.',
      hint: `No visit was recorded in ${rangeText}. Sessions come from page views and events the storefront sends.`,
      showTrackExample: false,
    }));
    return;
  }
  const label = ACQUISITION_DIMENSIONS.find((d) => d.id === dim)?.label ?? dim;
  const caption = `Sessions by ${label.toLowerCase()}, ${rangeText}`;
  const table = sourcesTable(rows, data.totals ?? {}, { label, currency: data.currency, locale, caption });
  const toggle = tableToggle({ testid: 'sources-table', table, initiallyOpen: true });
  body.replaceChildren(
    h('div', { class: 'chart-toolbar' }, h('p', { class: 'chart-caption', text: caption }), toggle.button),
    sourcesChart(rows, { locale, label: caption }),
    toggle.region,
  );
}
