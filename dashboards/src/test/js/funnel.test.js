import { test } from 'node:test';
import assert from 'node:assert/strict';
import { funnelIsEmpty, funnelRows } from '../../main/resources/dashboards/js/lib/funnel.js';

const steps = [
  { step: 'visited', userDays: 120, users: 97, approximate: true, conversionFromStart: 1, conversionFromPrevious: 1, dropOff: 0,
    userDaysConversionFromStart: 1, userDaysConversionFromPrevious: 1 },
  { step: 'viewedProduct', userDays: 80, users: 60, approximate: true, conversionFromStart: 0.6186, conversionFromPrevious: 0.6186,
    userDaysConversionFromStart: 0.6667, userDaysConversionFromPrevious: 0.6667 },
  { step: 'addedToCart', userDays: 30, users: 25, approximate: true },
  { step: 'startedCheckout', userDays: 12, users: 14, approximate: false },
  { step: 'completedOrder', userDays: 10, users: 12 },
];

test('users mode uses distinct users and the API conversions', () => {
  const rows = funnelRows(steps, 'users');
  assert.deepEqual(rows.map((r) => r.count), [97, 60, 25, 14, 12]);
  assert.equal(rows[0].label, 'Visited the store');
  assert.equal(rows[0].dropOff, 0);
  assert.equal(rows[0].dropOffRate, null);
  assert.equal(rows[1].conversionFromStart, 0.6186);
  assert.equal(rows[1].dropOff, 37);
  assert.ok(Math.abs(rows[1].dropOffRate - 37 / 97) < 1e-12);
  assert.equal(rows[0].approximate, true);
  assert.equal(rows[3].approximate, false);
});

test('missing conversions are computed from the counts of the chosen mode', () => {
  const rows = funnelRows(steps, 'userDays');
  assert.deepEqual(rows.map((r) => r.count), [120, 80, 30, 12, 10]);
  assert.equal(rows[1].conversionFromPrevious, 0.6667);
  assert.equal(rows[2].conversionFromPrevious, 30 / 80);
  assert.equal(rows[2].conversionFromStart, 30 / 120);
  assert.equal(rows[0].approximate, false, 'user-days are exact counts');
});

test('drop-off is never negative, even when an estimate makes a later step larger', () => {
  const rows = funnelRows([{ step: 'a', users: 10 }, { step: 'b', users: 11 }], 'users');
  assert.equal(rows[1].dropOff, 0);
  assert.equal(rows[1].dropOffRate, 0);
});

test('zero visitors give null conversions and an empty funnel', () => {
  const rows = funnelRows([{ step: 'visited', users: 0 }, { step: 'viewedProduct', users: 0 }], 'users');
  assert.equal(rows[1].conversionFromStart, null);
  assert.equal(rows[1].conversionFromPrevious, null);
  assert.equal(rows[1].dropOffRate, null);
  assert.equal(funnelIsEmpty(rows), true);
  assert.equal(funnelIsEmpty(funnelRows(steps, 'users')), false);
  assert.deepEqual(funnelRows(undefined, 'users'), []);
});
