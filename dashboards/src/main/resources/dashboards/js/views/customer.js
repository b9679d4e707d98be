// Per-user drill-down: one person's totals and day-by-day activity in the range.

import { formatDay, formatRange } from '../lib/dates.js';
import { formatCount, formatMoney, humanize } from '../lib/format.js';
import { MONEY_FIELDS, metricLabel } from '../lib/metrics.js';
import { dataTable, emptyBlock, h } from '../ui.js';

/** Numeric fields present in the totals, in API order. */
function fieldsOf(totals) {
  return Object.keys(totals ?? {}).filter((k) => typeof totals[k] === 'number' || MONEY_FIELDS.has(k));
}

function fieldText(field, value, currency, locale) {
  return MONEY_FIELDS.has(field) ? formatMoney(value, currency, locale) : formatCount(value, locale);
}

const isZero = (v) => v === 0 || v === null || v === undefined || (typeof v === 'string' && Number(v) === 0);

export function renderCustomerPrompt(body) {
  body.replaceChildren(h('div', { class: 'state state-idle', 'data-testid': 'user-prompt' },
    h('p', { class: 'muted', text: 'Enter an id above to see what that person did, day by day, in the selected range.' })));
}

export function renderCustomerNotFound(body, uid, range, locale) {
  body.replaceChildren(emptyBlock({
    title: `No activity for “${uid}” in ${formatRange(range.from, range.to, locale)}.`,
    hint: 'Check the id (it is case-sensitive), or pick a longer date range.',
    showTrackExample: false,
  }));
}

export function renderCustomer(body, data, { locale, range }) {
  // The API returns every day of the range, zero days included; only days with events count.
  const days = (Array.isArray(data.days) ? data.days : []).filter((d) => (d.events ?? 0) > 0);
  if (days.length === 0) {
    renderCustomerNotFound(body, data.uid, range, locale);
    return;
  }
  const currency = data.currency;
  const fields = fieldsOf(data.totals);
  const label = (f) => metricLabel(f, humanize);
  const shown = fields.filter((f) => f === 'events' || !isZero(data.totals[f]));
  const linked = Array.isArray(data.linkedIds) ? data.linkedIds : [];

  const totals = h('dl', { class: 'user-totals', 'data-testid': 'user-totals' },
    shown.map((f) => h('div', { class: 'user-total' },
      h('dt', { text: label(f) }),
      h('dd', { 'data-testid': `user-total-${f}`, 'data-raw': data.totals[f], text: fieldText(f, data.totals[f], currency, locale) }))));

  const table = dataTable({
    testid: 'user-days-table',
    caption: `Activity of ${data.uid} by day, ${formatRange(range.from, range.to, locale)}`,
    columns: [
      { key: 'day', label: 'Day', format: (d) => formatDay(d.day, locale) },
      ...shown.map((f) => ({ key: f, label: label(f), numeric: true, format: (d) => fieldText(f, d[f] ?? 0, currency, locale) })),
    ],
    rows: days,
    rowTestid: (d) => `user-day-${d.day}`,
  });

  body.replaceChildren(h('div', { class: 'user-result', 'data-testid': 'user-result', 'data-uid': data.uid },
    h('h3', { class: 'user-id' }, 'Customer ', h('code', { 'data-testid': 'user-uid', text: data.uid })),
    linked.length
      ? h('p', { class: 'small muted', 'data-testid': 'user-linked-ids' }, 'Also known as: ',
        ...linked.flatMap((id, i) => [i ? ', ' : '', h('code', { text: id })]))
      : null,
    h('p', { class: 'small muted', text: `Active on ${days.length} ${days.length === 1 ? 'day' : 'days'}. Fields that stayed at zero are left out.` }),
    totals,
    table));
}
