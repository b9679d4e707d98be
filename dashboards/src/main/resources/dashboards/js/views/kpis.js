// KPI tiles: value, change against the previous period, and the previous value.

import { KPI_TILES } from '../lib/metrics.js';
import { formatChange, formatValue } from '../lib/format.js';
import { formatRange } from '../lib/dates.js';
import { h } from '../ui.js';

/** Placeholder tiles shown while the summary loads (same size, so nothing jumps). */
export function renderKpiSkeleton(grid) {
  grid.replaceChildren(...KPI_TILES.map((tile) => h('div', { class: 'kpi kpi-skeleton', 'data-testid': `kpi-${tile.id}` },
    h('p', { class: 'kpi-label', text: tile.label }),
    h('p', { class: 'kpi-value', 'data-testid': `kpi-${tile.id}-value`, text: '…' }))));
}

export function renderKpis(grid, compareLabel, summary, { locale }) {
  const currency = summary.currency;
  grid.replaceChildren(...KPI_TILES.map((tile) => {
    const data = summary.tiles?.[tile.id] ?? {};
    const change = formatChange(data.change, locale, data.value);
    const value = formatValue(data.value, tile.unit, currency, locale);
    const previous = formatValue(data.previous, tile.unit, currency, locale);
    return h('div', { class: 'kpi', 'data-testid': `kpi-${tile.id}` },
      h('p', { class: 'kpi-label', id: `kpi-${tile.id}-label`, text: tile.label }),
      h('p', { class: 'kpi-value', 'data-testid': `kpi-${tile.id}-value`, 'data-raw': data.value ?? '', text: value }),
      h('p', { class: 'kpi-meta' },
        h('span', {
          class: `change change-${change.direction}`,
          'data-testid': `kpi-${tile.id}-change`,
          'data-raw': data.change ?? '',
          'aria-hidden': 'true',
          text: change.text,
        }),
        h('span', { class: 'visually-hidden', text: `${tile.label} ${change.description}.` }),
        h('span', { class: 'kpi-previous' }, 'vs ',
          h('span', { 'data-testid': `kpi-${tile.id}-previous`, 'data-raw': data.previous ?? '', text: previous }))));
  }));
  compareLabel.textContent = summary.previousFrom && summary.previousTo
    ? `Changes compare with the previous period, ${formatRange(summary.previousFrom, summary.previousTo, locale)}.`
    : '';
}
