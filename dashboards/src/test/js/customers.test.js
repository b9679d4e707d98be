import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanPrefix, customersFileName, customersQuery, formatInstant } from '../../main/resources/dashboards/js/lib/customers.js';
import { DEFAULT_STATE, decodeState, encodeState } from '../../main/resources/dashboards/js/lib/state.js';

const range = { from: '2026-11-01', to: '2026-11-30' };

test('without a prefix the list is the range\'s recent or top customers', () => {
  assert.deepEqual(customersQuery(range, { csort: 'recent', prefix: '' }), { from: '2026-11-01', to: '2026-11-30', sort: 'recent', limit: '20' });
  assert.deepEqual(customersQuery(range, { csort: 'top', prefix: '  ' }), { from: '2026-11-01', to: '2026-11-30', sort: 'top', limit: '20' });
  assert.equal(customersFileName(customersQuery(range, { csort: 'top', prefix: '' })), 'customers_top_2026-11-01_2026-11-30');
});

test('a prefix searches every customer, whatever the dates', () => {
  const q = customersQuery(range, { csort: 'top', prefix: ' user-1 ' });
  assert.deepEqual(q, { prefix: 'user-1', limit: '20' });
  assert.equal(customersFileName(q), 'customers_prefix_user-1');
  assert.equal(cleanPrefix('x'.repeat(500)).length, 100);
  assert.equal(cleanPrefix(null), '');
});

test('the list\'s sort and prefix round-trip through the URL, bad values fall back', () => {
  const state = { ...DEFAULT_STATE, view: 'customers', csort: 'top', prefix: 'anon-7' };
  const search = encodeState(state);
  assert.equal(search, '?view=customers&csort=top&prefix=anon-7');
  assert.deepEqual(decodeState(search), state);
  assert.equal(decodeState('?view=customers&csort=best').csort, 'recent');
  assert.equal(decodeState('?prefix=' + 'y'.repeat(300)).prefix.length, 100);
});

test('seen times show in the store time zone, unknown ones as a dash', () => {
  assert.equal(formatInstant(null, 'UTC', 'en-US'), '—');
  assert.equal(formatInstant('garbage', 'UTC', 'en-US'), '—');
  const paris = formatInstant('2026-11-03T23:30:00Z', 'Europe/Paris', 'en-US');
  assert.match(paris, /Nov 4, 2026/);
  assert.match(formatInstant('2026-11-03T23:30:00Z', 'UTC', 'en-US'), /Nov 3, 2026/);
});
