import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STATE, decodeState, encodeState, resolveRange } from '../../main/resources/dashboards/js/lib/state.js';

test('an empty query string is the default state and encodes back to nothing', () => {
  assert.deepEqual(decodeState(''), DEFAULT_STATE);
  assert.equal(encodeState(DEFAULT_STATE), '');
});

test('a preset and chosen views round-trip through the URL', () => {
  const state = { ...DEFAULT_STATE, range: '7d', view: 'funnel', funnel: 'userDays', metric: 'visitors', interval: 'week', by: 'units' };
  const search = encodeState(state);
  assert.equal(search, '?range=7d&view=funnel&metric=visitors&interval=week&funnel=userDays&by=units');
  assert.deepEqual(decodeState(search), state);
});

test('a custom range is kept as dates', () => {
  const state = { ...DEFAULT_STATE, range: 'custom', from: '2026-11-01', to: '2026-11-14', view: 'customer', user: 'anon-42 x' };
  const search = encodeState(state);
  assert.equal(search, '?from=2026-11-01&to=2026-11-14&view=customer&user=anon-42+x');
  assert.deepEqual(decodeState(search), state);
  assert.deepEqual(resolveRange(state, 'UTC'), { from: '2026-11-01', to: '2026-11-14' });
});

test('malformed values fall back to defaults instead of breaking the page', () => {
  const state = decodeState('?from=2026-11-30&to=2026-11-01&view=admin&metric=<script>&interval=year&funnel=x&by=price');
  assert.deepEqual(state, DEFAULT_STATE);
  assert.equal(decodeState('?from=2026-02-30&to=2026-03-01').range, '30d');
  assert.equal(decodeState('?range=custom').range, '30d');
  assert.equal(decodeState('?user=' + 'x'.repeat(1000)).user.length, 256);
});

test('an explicit preset wins over stray dates', () => {
  const state = decodeState('?range=month&from=2026-11-01&to=2026-11-02');
  assert.equal(state.range, 'month');
  assert.equal(state.from, null);
  assert.deepEqual(resolveRange(state, 'UTC', new Date('2026-11-21T00:00:00Z')), { from: '2026-11-01', to: '2026-11-21' });
});

test('the read key never gets into the URL state', () => {
  const state = decodeState('?key=rk_secret&readKey=rk_secret&token=x');
  assert.equal(encodeState(state), '');
  assert.ok(!JSON.stringify(state).includes('rk_secret'));
});

test('theSourcesViewsDimension_roundTripsThroughTheUrl_andUnknownOnesFallBack', () => {
  const state = { ...DEFAULT_STATE, view: 'sources', dim: 'landingPage' };
  assert.equal(encodeState(state), '?view=sources&dim=landingPage');
  assert.deepEqual(decodeState(encodeState(state)), state);
  assert.equal(decodeState('?view=sources&dim=country').dim, 'source');
});
