// Funnel: one row per step with a bar (share of the first step), the count, the conversion
// from the start and from the previous step, and how many dropped off in between.

import { formatRange } from '../lib/dates.js';
import { formatCount, formatPercent } from '../lib/format.js';
import { FUNNEL_MODES, funnelIsEmpty, funnelRows } from '../lib/funnel.js';
import { dataTable, emptyBlock, h, tableToggle } from '../ui.js';

const d3 = () => globalThis.d3;

export function renderFunnel(body, funnel, { locale, mode, range }) {
  const rows = funnelRows(funnel.steps, mode);
  const modeInfo = FUNNEL_MODES.find((m) => m.id === mode) ?? FUNNEL_MODES[0];
  const rangeText = formatRange(range.from, range.to, locale);
  if (funnelIsEmpty(rows)) {
    body.replaceChildren(emptyBlock({
      title: 'No events in this range yet.',
      hint: `Nobody visited the store in ${rangeText}, as far as Tally has heard. Try a longer range, or send an event.`,
    }));
    return;
  }
  const countText = (r) => `${r.approximate ? '≈ ' : ''}${formatCount(r.count, locale)}`;
  const unitWord = mode === 'userDays' ? 'user-days' : 'users';
  const width = d3().scaleLinear().domain([0, d3().max(rows, (r) => r.count) || 1]).range([0, 100]).clamp(true);

  const list = h('ol', {
    class: 'funnel',
    'data-testid': 'funnel-chart',
    'data-mode': mode,
    'aria-label': `Purchase funnel in ${modeInfo.label.toLowerCase()}, ${rangeText}`,
  });
  d3().select(list).selectAll('li').data(rows, (r) => r.id).join((enter) => {
    const li = enter.append('li').attr('class', 'funnel-step').attr('data-testid', (r) => `funnel-step-${r.id}`);
    // A drop is news only when someone dropped: no red line for 0, and none for an empty step.
    li.filter((r, i) => i > 0).append('p')
      .attr('class', (r) => (r.dropOff > 0 ? 'funnel-drop' : 'funnel-drop funnel-drop-none'))
      .attr('data-testid', (r) => `funnel-dropoff-${r.id}`)
      .attr('data-raw', (r) => r.dropOff)
      .text((r) => {
        if (r.dropOffRate === null) return `No ${unitWord} reached the step before`;
        if (r.dropOff <= 0) return `No drop-off · ${formatPercent(r.conversionFromPrevious, locale)} continued`;
        return `↓ ${formatCount(r.dropOff, locale)} ${unitWord} dropped off (${formatPercent(r.dropOffRate, locale)}) · ${formatPercent(r.conversionFromPrevious, locale)} continued`;
      });
    const head = li.append('div').attr('class', 'funnel-head');
    head.append('span').attr('class', 'funnel-label').text((r) => r.label);
    head.append('span').attr('class', 'funnel-count')
      .attr('data-testid', (r) => `funnel-count-${r.id}`)
      .attr('data-raw', (r) => r.count)
      .text(countText);
    li.append('div').attr('class', 'funnel-track').attr('aria-hidden', 'true')
      .append('div').attr('class', 'funnel-bar')
      .each(function setWidth(r) { this.style.width = `${Math.max(width(r.count), r.count > 0 ? 0.5 : 0)}%`; });
    li.append('p').attr('class', 'funnel-conv small muted')
      .append('span').attr('data-testid', (r) => `funnel-conversion-${r.id}`)
      .attr('data-raw', (r) => r.conversionFromStart ?? '')
      .text((r, i) => (i === 0 ? `Start of the funnel (100%)` : `${formatPercent(r.conversionFromStart, locale)} of the first step`));
    return li;
  });

  const table = dataTable({
    testid: 'funnel-table',
    caption: `Purchase funnel (${modeInfo.label.toLowerCase()}), ${rangeText}`,
    columns: [
      { key: 'label', label: 'Step' },
      { key: 'count', label: modeInfo.label, numeric: true, format: countText },
      { key: 'conversionFromStart', label: 'Of first step', numeric: true, format: (r) => formatPercent(r.conversionFromStart, locale) },
      { key: 'conversionFromPrevious', label: 'From previous step', numeric: true, format: (r) => formatPercent(r.conversionFromPrevious, locale) },
      { key: 'dropOff', label: 'Dropped off', numeric: true, format: (r) => (r.dropOffRate === null ? '—' : `${formatCount(r.dropOff, locale)} (${formatPercent(r.dropOffRate, locale)})`) },
    ],
    rows,
  });
  const toggle = tableToggle({ testid: 'funnel-table', table });
  const approximate = rows.some((r) => r.approximate);
  body.replaceChildren(...[
    h('div', { class: 'chart-toolbar' },
      h('p', { class: 'chart-caption', text: `Overall conversion ${formatPercent(rows[rows.length - 1].conversionFromStart, locale)} · ${rangeText}` }),
      toggle.button),
    list,
    approximate
      ? h('p', { class: 'small muted', 'data-testid': 'funnel-approximate-note',
        text: '≈ Distinct users are estimated with a probabilistic counter and can be off by about 1–2 %. User-days are exact.' })
      : null,
    toggle.region,
  ].filter(Boolean));
}
