import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatChange, formatCount, formatMoney, formatPercent, formatValue, humanize, isDecimalString,
} from '../../main/resources/dashboards/js/lib/format.js';

test('money keeps every digit of the decimal string', () => {
  assert.equal(formatMoney('1234.50', 'USD', 'en-US'), '$1,234.50');
  assert.equal(formatMoney('12.5', 'USD', 'en-US'), '$12.50');
  assert.equal(formatMoney('0', 'USD', 'en-US'), '$0.00');
  assert.equal(formatMoney('-3.10', 'USD', 'en-US'), '-$3.10');
  assert.equal(formatMoney('90071992547409.93', 'USD', 'en-US'), '$90,071,992,547,409.93');
  assert.equal(formatMoney('0.105', 'USD', 'en-US'), '$0.105');
});

test('money uses the currency of the store and the reader locale', () => {
  assert.equal(formatMoney('1500', 'JPY', 'en-US'), '¥1,500');
  assert.equal(formatMoney('1234.50', 'EUR', 'de-DE'), '1.234,50\u00a0€');
});

test('money that Intl cannot format exactly is shown as sent', () => {
  assert.equal(formatMoney('1e3', 'USD', 'en-US'), '1e3 USD');
  assert.equal(formatMoney('12.50', 'usd', 'en-US'), '12.50 usd');
  assert.equal(formatMoney(null, 'USD', 'en-US'), '—');
  assert.equal(isDecimalString('12.50'), true);
  assert.equal(isDecimalString('12,50'), false);
});

test('counts and percents', () => {
  assert.equal(formatCount(1234567, 'en-US'), '1,234,567');
  assert.equal(formatCount(null, 'en-US'), '—');
  assert.equal(formatPercent(0.1237, 'en-US'), '12.4%');
  assert.equal(formatPercent(1, 'en-US'), '100.0%');
  assert.equal(formatPercent(null, 'en-US'), '—');
});

test('period-over-period change has a direction and a sentence', () => {
  assert.deepEqual(formatChange(0.2345, 'en-US'), {
    text: '▲ 23.5%', direction: 'up', description: 'up 23.5% from the previous period',
  });
  assert.equal(formatChange(-0.5, 'en-US').text, '▼ 50.0%');
  assert.equal(formatChange(-0.5, 'en-US').direction, 'down');
  assert.equal(formatChange(0.00001, 'en-US').direction, 'flat');
  assert.equal(formatChange(null, 'en-US', 12).text, 'New');
  assert.equal(formatChange(null, 'en-US', '3.50').text, 'New');
  assert.equal(formatChange(null, 'en-US', 12).direction, 'none');
  // Nothing now and nothing before (0 → 0), or an undefined average: no badge.
  assert.equal(formatChange(null, 'en-US', 0).text, '—');
  assert.equal(formatChange(null, 'en-US', '0.00').text, '—');
  assert.equal(formatChange(null, 'en-US', null).text, '—');
  assert.equal(formatChange(null, 'en-US').direction, 'none');
});

test('formatValue follows the unit the API reports', () => {
  assert.equal(formatValue('40.00', 'money', 'USD', 'en-US'), '$40.00');
  assert.equal(formatValue(0.5, 'ratio', 'USD', 'en-US'), '50.0%');
  assert.equal(formatValue(1200, 'count', 'USD', 'en-US'), '1,200');
  assert.equal(humanize('productsAdded'), 'Products added');
});
