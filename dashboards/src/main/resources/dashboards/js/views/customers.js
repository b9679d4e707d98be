// Customers: the range's recent or top buyers, or a search by id prefix, as a table. A row
// opens the per-person drill-down (the Customer lookup view) for that id.

import { formatRange } from '../lib/dates.js';
import { formatInstant } from '../lib/customers.js';
import { formatCount, formatMoney } from '../lib/format.js';
import { h } from '../ui.js';

function emptyCustomers(text) {
  return h('div', { class: 'state state-empty', 'data-testid': 'empty-state' },
    h('p', { class: 'state-title', 'data-testid': 'customers-empty', text: '—' }),
    h('p', { class: 'muted', text }));
}

export function renderCustomers(body, data, { locale, range, timeZone, onOpen }) {
  const customers = Array.isArray(data.customers) ? data.customers : [];
  const search = typeof data.prefix === 'string';
  const rangeText = formatRange(range.from, range.to, locale);
  if (customers.length === 0) {
    body.replaceChildren(emptyCustomers(search
      ? `No customer id starts with “${data.prefix}”. Ids are case-sensitive.`
      : `No customer completed an order in ${rangeText}.`));
    return;
  }
  const currency = data.currency;
  const caption = search
    ? `Customers whose id starts with “${data.prefix}”${data.more ? ` (first ${customers.length})` : ''}`
    : `${data.sort === 'top' ? 'Top' : 'Recent'} ${customers.length} customers, ${rangeText}`;
  const cell = (c, field, text, numeric = false) => h('td', {
    class: numeric ? 'num' : null,
    'data-testid': `customer-${field}`,
    'data-raw': c[field] ?? '',
    text,
  });
  const inRange = !search;
  const header = h('tr', {},
    h('th', { scope: 'col', text: 'Customer' }),
    inRange ? h('th', { scope: 'col', class: 'num', text: 'Orders in range' }) : null,
    inRange ? h('th', { scope: 'col', class: 'num', text: 'Revenue in range' }) : null,
    h('th', { scope: 'col', class: 'num', text: 'Orders' }),
    h('th', { scope: 'col', class: 'num', text: 'Revenue' }),
    h('th', { scope: 'col', text: 'First seen' }),
    h('th', { scope: 'col', text: 'Last seen' }));
  const rows = customers.map((c) => h('tr', {
    class: 'clickable',
    'data-testid': 'customers-row',
    'data-uid': c.uid,
    onclick: (event) => {
      if (event.target.closest('button')) return; // the button already opened it
      onOpen(c.uid);
    },
  },
  h('th', { scope: 'row', class: 'customer-cell' },
    h('button', {
      type: 'button',
      class: 'link-button',
      'data-testid': 'customer-uid',
      'aria-label': `Open the activity of ${c.uid}`,
      text: c.uid,
      onclick: () => onOpen(c.uid),
    })),
  inRange ? cell(c, 'rangeOrdersCompleted', formatCount(c.rangeOrdersCompleted, locale), true) : null,
  inRange ? cell(c, 'rangeRevenue', formatMoney(c.rangeRevenue, currency, locale), true) : null,
  cell(c, 'ordersCompleted', formatCount(c.ordersCompleted, locale), true),
  cell(c, 'revenue', formatMoney(c.revenue, currency, locale), true),
  cell(c, 'firstSeen', formatInstant(c.firstSeen, timeZone, locale)),
  cell(c, 'lastSeen', formatInstant(c.lastSeen, timeZone, locale))));
  body.replaceChildren(
    h('div', { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
      h('table', { class: 'data-table', 'data-testid': 'customers-table', 'data-sort': search ? 'prefix' : data.sort },
        h('caption', { text: caption }), h('thead', {}, header), h('tbody', {}, rows))),
    h('p', { class: 'small muted', text: 'One row per id (user id, or anonymous id for guests). Select one to see its activity day by day.' }));
}
