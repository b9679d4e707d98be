import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDays, daysInRange, formatBucket, formatRange, isIsoDate, presetRange, todayIn, validateRange,
} from '../../main/resources/dashboards/js/lib/dates.js';

test('isIsoDate accepts real calendar dates only', () => {
  assert.equal(isIsoDate('2026-11-01'), true);
  assert.equal(isIsoDate('2028-02-29'), true);
  assert.equal(isIsoDate('2026-02-29'), false);
  assert.equal(isIsoDate('2026-13-01'), false);
  assert.equal(isIsoDate('2026-1-01'), false);
  assert.equal(isIsoDate(''), false);
  assert.equal(isIsoDate(null), false);
});

test('addDays crosses month, year and DST boundaries without drifting', () => {
  assert.equal(addDays('2026-11-01', -1), '2026-10-31');
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2026-03-08', 1), '2026-03-09');
  assert.equal(daysInRange('2026-11-01', '2026-11-30'), 30);
  assert.equal(daysInRange('2026-11-01', '2026-11-01'), 1);
});

test('todayIn uses the store time zone, not the browser one', () => {
  const now = new Date('2026-11-30T22:30:00Z');
  assert.equal(todayIn('UTC', now), '2026-11-30');
  assert.equal(todayIn('Pacific/Auckland', now), '2026-12-01');
  assert.equal(todayIn('America/Los_Angeles', now), '2026-11-30');
});

test('rolling presets end today and include today', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  assert.deepEqual(presetRange('7d', 'UTC', now), { from: '2026-11-15', to: '2026-11-21' });
  assert.deepEqual(presetRange('30d', 'UTC', now), { from: '2026-10-23', to: '2026-11-21' });
  assert.deepEqual(presetRange('90d', 'UTC', now), { from: '2026-08-24', to: '2026-11-21' });
  assert.throws(() => presetRange('1y', 'UTC', now), RangeError);
});

test('this month starts on the 1st of the month in the store time zone', () => {
  const now = new Date('2026-11-30T22:30:00Z');
  assert.deepEqual(presetRange('month', 'UTC', now), { from: '2026-11-01', to: '2026-11-30' });
  assert.deepEqual(presetRange('month', 'Pacific/Auckland', now), { from: '2026-12-01', to: '2026-12-01' });
  const newYear = new Date('2027-01-01T03:00:00Z');
  assert.deepEqual(presetRange('month', 'America/New_York', newYear), { from: '2026-12-01', to: '2026-12-31' });
});

test('validateRange explains what to fix', () => {
  assert.equal(validateRange('2026-11-01', '2026-11-30'), null);
  assert.match(validateRange('2026-11-30', '2026-11-01'), /on or before/);
  assert.match(validateRange('', '2026-11-01'), /start date/);
  assert.match(validateRange('2026-11-01', 'x'), /end date/);
  assert.match(validateRange('2024-01-01', '2026-11-01'), /at most 366 days/);
});

test('labels for ranges and buckets read as calendar dates', () => {
  // ICU puts thin spaces around the dash; compare with plain spaces.
  assert.equal(formatRange('2026-11-01', '2026-11-07', 'en-US').replace(/\s/g, ' '), 'Nov 1 – 7, 2026');
  assert.equal(formatRange('2026-11-01', '2026-11-01', 'en-US'), 'Nov 1, 2026');
  assert.equal(formatBucket('2026-11-01', 'month', 'en-US'), 'November 2026');
  assert.equal(formatBucket('2026-11-02', 'week', 'en-US'), 'Week of Nov 2, 2026');
  assert.equal(formatBucket('2026-11-01', 'day', 'en-US'), 'Sun, Nov 1, 2026');
});

test('the previous range is as long as the range and ends the day before it', async () => {
  const { previousRange } = await import('../../main/resources/dashboards/js/lib/dates.js');
  assert.deepEqual(previousRange({ from: '2026-11-01', to: '2026-11-30' }), { from: '2026-10-02', to: '2026-10-31' });
  assert.deepEqual(previousRange({ from: '2026-03-01', to: '2026-03-01' }), { from: '2026-02-28', to: '2026-02-28' });
  assert.deepEqual(previousRange({ from: '2024-03-01', to: '2024-03-07' }), { from: '2024-02-23', to: '2024-02-29' });
});
