// Top products: a D3 bar chart of the ranking metric and a table sortable by views, adds,
// units or revenue (the API ranks; each sort asks it again, since the top 10 differ).

import { formatRange } from '../lib/dates.js';
import { formatCount, formatMoney, formatPercent, plotNumber } from '../lib/format.js';
import { PRODUCT_SORTS } from '../lib/metrics.js';
import { emptyBlock, h, tableToggle } from '../ui.js';

const d3 = () => globalThis.d3;

/** The product's name when the store's events gave one, else its id. */
function title(p) {
  return p.name || p.productId;
}

/** Only http(s) images are shown; they load without sending the dashboard's address along. */
function thumbnail(p) {
  const url = typeof p.imageUrl === 'string' && /^https?:\/\//i.test(p.imageUrl) ? p.imageUrl : null;
  return url
    ? h('img', { class: 'thumb', src: url, alt: '', width: 32, height: 32, loading: 'lazy', referrerpolicy: 'no-referrer', 'data-testid': 'product-thumb' })
    : h('span', { class: 'thumb thumb-empty', 'aria-hidden': 'true' });
}

function valueText(product, by, currency, locale) {
  return by === 'revenue' ? formatMoney(product.revenue, currency, locale) : formatCount(product[by], locale);
}

function productTable(products, { by, currency, locale, onSort, caption }) {
  const columns = [
    { id: 'views', label: 'Views' },
    { id: 'adds', label: 'Adds to cart' },
    { id: 'units', label: 'Units sold' },
    { id: 'revenue', label: 'Revenue' },
  ];
  const rates = [
    { id: 'viewToCart', label: 'View → cart' },
    { id: 'cartToPurchase', label: 'Cart → purchase' },
  ];
  const header = h('tr', {},
    h('th', { scope: 'col', text: 'Product' }),
    columns.map((c) => h('th', { scope: 'col', class: 'num', 'aria-sort': c.id === by ? 'descending' : 'none' },
      h('button', {
        type: 'button',
        class: 'th-sort',
        'data-testid': `products-header-${c.id}`,
        'aria-label': `${c.label}${c.id === by ? ', ranked by this column' : ', rank by this column'}`,
        onclick: () => onSort(c.id),
      }, c.label, h('span', { 'aria-hidden': 'true', class: 'sort-mark', text: c.id === by ? ' ▼' : '' })))),
    rates.map((r) => h('th', { scope: 'col', class: 'num', text: r.label })));
  const rows = products.map((p, i) => h('tr', { 'data-testid': `product-row-${p.productId}` },
    h('th', { scope: 'row', class: 'product-cell' },
      h('span', { class: 'rank', text: `${i + 1}.` }), ' ', thumbnail(p), ' ',
      h('span', { class: 'product-name' },
        h('span', { 'data-testid': 'product-name', text: title(p) }),
        p.name ? h('span', { class: 'small muted product-id', 'data-testid': 'product-id', text: p.productId }) : h('span', { class: 'visually-hidden', 'data-testid': 'product-id', text: p.productId }))),
    columns.map((c) => h('td', {
      class: `num${c.id === by ? ' sorted' : ''}`,
      'data-testid': `product-${c.id}`,
      'data-raw': p[c.id] ?? '',
      text: valueText(p, c.id, currency, locale),
    })),
    rates.map((r) => h('td', {
      class: 'num',
      'data-testid': `product-${r.id}`,
      'data-raw': p[r.id] ?? '',
      text: formatPercent(p[r.id], locale),
    }))));
  return h('div', { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
    h('table', { class: 'data-table', 'data-testid': 'top-products-table', 'data-by': by },
      h('caption', { text: caption }), h('thead', {}, header), h('tbody', {}, rows)));
}

function productChart(products, { by, currency, locale, label }) {
  const chart = h('div', { class: 'chart bars', 'data-testid': 'top-products-chart', 'data-by': by });
  const rowHeight = 40;
  const height = products.length * rowHeight;
  const max = d3().max(products, (p) => plotNumber(p[by])) || 1;
  const svg = d3().select(chart).append('svg')
    .attr('width', '100%')
    .attr('height', height)
    .attr('role', 'img')
    .attr('aria-label', `${label}: ${products.map((p) => `${title(p)} ${valueText(p, by, currency, locale)}`).join('; ')}`);
  const row = svg.selectAll('g').data(products).join('g').attr('transform', (p, i) => `translate(0,${i * rowHeight})`);
  row.append('text').attr('class', 'bar-label').attr('x', 0).attr('y', 14)
    .text((p) => (title(p).length > 40 ? `${title(p).slice(0, 39)}…` : title(p)));
  row.append('text').attr('class', 'bar-value').attr('x', '100%').attr('y', 14).attr('text-anchor', 'end')
    .text((p) => valueText(p, by, currency, locale));
  row.append('rect').attr('class', 'bar-track').attr('x', 0).attr('y', 20).attr('height', 10).attr('width', '100%').attr('rx', 2);
  row.append('rect').attr('class', 'bar').attr('x', 0).attr('y', 20).attr('height', 10).attr('rx', 2)
    .attr('width', (p) => `${Math.max(0.5, (plotNumber(p[by]) / max) * 100)}%`);
  return chart;
}

export function renderProducts(body, data, { by, locale, range, onSort }) {
  const products = Array.isArray(data.products) ? data.products : [];
  const rangeText = formatRange(range.from, range.to, locale);
  if (products.length === 0) {
    body.replaceChildren(emptyBlock({
      title: 'No events in this range yet.',
      hint: `No product was viewed, added or bought in ${rangeText}. Product events need a product_id property.`,
    }));
    return;
  }
  const byLabel = PRODUCT_SORTS.find((s) => s.id === by)?.label ?? by;
  const caption = `Top ${products.length} products by ${byLabel.toLowerCase()}, ${rangeText}`;
  const table = productTable(products, { by, currency: data.currency, locale, onSort, caption });
  const toggle = tableToggle({ testid: 'top-products-table', table, initiallyOpen: true });
  body.replaceChildren(
    h('div', { class: 'chart-toolbar' }, h('p', { class: 'chart-caption', text: caption }), toggle.button),
    productChart(products, { by, currency: data.currency, locale, label: caption }),
    toggle.region,
  );
}
