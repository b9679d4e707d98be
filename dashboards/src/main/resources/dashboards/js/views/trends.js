// Time series of one metric: a D3 line chart with hover and keyboard tooltips, plus a table.

import { formatBucket, formatRange, toAxisDate } from '../lib/dates.js';
import { formatCount, formatMoneyAxis, formatPercent, formatValue, plotNumber } from '../lib/format.js';
import { METRICS } from '../lib/metrics.js';
import { dataTable, emptyBlock, h, tableToggle } from '../ui.js';

const d3 = () => globalThis.d3;

export function metricInfo(id) {
  return METRICS.find((m) => m.id === id) ?? { id, label: id, unit: 'count' };
}

/** True when the range has no points or every point is zero. */
export function timeseriesIsEmpty(series) {
  const points = series.points ?? [];
  return points.length === 0 || points.every((p) => plotNumber(p.value) === 0);
}

function axisFormatter(unit, currency, locale) {
  if (unit === 'money') return (n) => formatMoneyAxis(n, currency, locale);
  if (unit === 'ratio') return (n) => formatPercent(n, locale, 0);
  return (n) => (Math.abs(n) >= 10_000
    ? new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n)
    : formatCount(n, locale));
}

let resizeObserver;

/**
 * `today` (the store's date) marks the bucket that holds it as partial: it is still filling up,
 * so its lower value is not a drop.
 */
export function renderTrends(body, series, { locale, range, today = null }) {
  resizeObserver?.disconnect();
  const metric = metricInfo(series.metric);
  const unit = series.unit ?? metric.unit;
  const interval = series.interval ?? 'day';
  const raw = series.points ?? [];
  const partialAt = today && range.to >= today && raw.length > 0 && raw[raw.length - 1].start <= today
    ? raw.length - 1
    : -1;
  const points = raw.map((p, i) => ({
    start: p.start,
    value: p.value,
    date: toAxisDate(p.start),
    y: plotNumber(p.value),
    partial: i === partialAt,
    label: `${formatBucket(p.start, interval, locale)}${i === partialAt ? ' (so far)' : ''}`,
    text: formatValue(p.value, unit, series.currency, locale),
  }));
  // The previous period, matched bucket for bucket from the start (its buckets are as many, or
  // one more or fewer where weeks or months are clipped differently).
  const before = series.previous?.points ?? [];
  const previous = points.slice(0, before.length).map((p, i) => ({
    date: p.date,
    y: plotNumber(before[i].value),
    label: formatBucket(before[i].start, interval, locale),
    text: formatValue(before[i].value, unit, series.currency, locale),
  }));
  const rangeText = formatRange(range.from, range.to, locale);
  const title = `${metric.label} by ${interval}, ${rangeText}${partialAt >= 0 ? ` · the last ${interval} so far` : ''}`;

  if (timeseriesIsEmpty(series)) {
    body.replaceChildren(emptyBlock({
      title: 'No events in this range yet.',
      hint: `${metric.label} is zero for every ${interval} of ${rangeText}. Try a longer range or another metric, or send an event to see it appear.`,
    }));
    return;
  }

  const max = points.reduce((best, p) => (p.y > best.y ? p : best), points[0]);
  const summary = `${title}. Highest: ${max.label}, ${max.text}. ${points.length} ${interval}s. Use the left and right arrow keys to read each ${interval}.`;
  const chart = h('div', {
    class: 'chart',
    'data-testid': 'timeseries-chart',
    'data-metric': series.metric,
    'data-interval': interval,
    'data-points': String(points.length),
  });
  const tooltip = h('div', { class: 'tooltip', 'data-testid': 'timeseries-tooltip', hidden: true });
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  chart.append(tooltip, live);

  const table = dataTable({
    testid: 'timeseries-table',
    caption: title,
    columns: [
      { key: 'label', label: interval === 'day' ? 'Day' : interval === 'week' ? 'Week' : 'Month' },
      { key: 'text', label: metric.label, numeric: true, cellTestid: (p) => `timeseries-value-${p.start}` },
    ],
    rows: points,
  });
  const toggle = tableToggle({ testid: 'timeseries-table', table });
  const legend = previous.length > 0 && series.previous?.from
    ? h('p', { class: 'chart-legend small muted', 'data-testid': 'timeseries-legend' },
      h('span', { class: 'legend-line', 'aria-hidden': 'true' }), ` ${formatRange(range.from, range.to, locale)}   `,
      h('span', { class: 'legend-line legend-line-previous', 'aria-hidden': 'true' }), ` previous period, ${formatRange(series.previous.from, series.previous.to, locale)}`)
    : null;
  body.replaceChildren(...[
    h('div', { class: 'chart-toolbar' }, h('p', { class: 'chart-caption', id: 'timeseries-caption', text: title }), toggle.button),
    chart,
    legend,
    toggle.region,
  ].filter(Boolean));

  let selected = -1;
  const draw = () => {
    chart.querySelector('svg')?.remove();
    const width = Math.max(280, chart.clientWidth || 600);
    const narrow = width < 520;
    const height = narrow ? 220 : 300;
    const margin = { top: 12, right: narrow ? 12 : 20, bottom: 28, left: narrow ? 48 : 64 };
    const x = points.length === 1
      ? d3().scaleUtc().domain([d3().utcDay.offset(points[0].date, -1), d3().utcDay.offset(points[0].date, 1)])
      : d3().scaleUtc().domain(d3().extent(points, (p) => p.date));
    x.range([margin.left, width - margin.right]);
    const all = points.concat(previous);
    const yMin = Math.min(0, d3().min(all, (p) => p.y));
    const y = d3().scaleLinear().domain([yMin, d3().max(all, (p) => p.y) || 1]).nice().range([height - margin.bottom, margin.top]);
    const yFormat = axisFormatter(unit, series.currency, locale);
    const xTickFormat = interval === 'month' ? d3().utcFormat('%b %Y') : d3().utcFormat('%b %-d');

    const svg = d3().select(chart).insert('svg', ':first-child')
      .attr('viewBox', `0 0 ${width} ${height}`)
      .attr('width', width)
      .attr('height', height)
      .attr('role', 'img')
      .attr('aria-label', summary)
      .attr('tabindex', '0')
      .attr('focusable', 'true');

    svg.append('g')
      .attr('class', 'axis axis-y')
      .attr('transform', `translate(${margin.left},0)`)
      .call(d3().axisLeft(y).ticks(narrow ? 4 : 6).tickFormat(yFormat).tickSize(-(width - margin.left - margin.right)))
      .call((g) => g.select('.domain').remove());
    svg.append('g')
      .attr('class', 'axis axis-x')
      .attr('transform', `translate(0,${height - margin.bottom})`)
      .call(d3().axisBottom(x).ticks(Math.min(points.length, narrow ? 4 : 8)).tickFormat(xTickFormat).tickSizeOuter(0));

    const area = d3().area().x((p) => x(p.date)).y0(y(Math.max(0, yMin))).y1((p) => y(p.y));
    const line = d3().line().x((p) => x(p.date)).y((p) => y(p.y));
    svg.append('path').datum(points).attr('class', 'series-area').attr('d', area);
    if (previous.length > 0) {
      svg.append('path').datum(previous).attr('class', 'series-previous')
        .attr('data-testid', 'timeseries-previous')
        .attr('data-points', String(previous.length))
        .attr('d', line);
    }
    svg.append('path').datum(points).attr('class', 'series-line').attr('d', line);
    if (points.length <= 62) {
      svg.append('g').selectAll('circle').data(points).join('circle')
        .attr('class', (p) => (p.partial ? 'series-dot series-dot-partial' : 'series-dot'))
        .attr('data-testid', (p) => (p.partial ? 'timeseries-partial' : null))
        .attr('r', narrow ? 2 : 2.5)
        .attr('cx', (p) => x(p.date)).attr('cy', (p) => y(p.y));
    }
    const focus = svg.append('g').attr('class', 'series-focus').style('display', 'none');
    focus.append('line').attr('y1', margin.top).attr('y2', height - margin.bottom);
    focus.append('circle').attr('r', 4.5);

    const show = (index, announce) => {
      selected = index;
      const p = points[index];
      const px = x(p.date);
      focus.style('display', null).attr('transform', `translate(${px},0)`);
      focus.select('circle').attr('cy', y(p.y));
      const was = previous[index];
      tooltip.replaceChildren(
        h('span', { class: 'tooltip-label', text: p.label }),
        h('strong', { text: p.text }),
        was ? h('span', { class: 'tooltip-previous', text: `${was.label}: ${was.text}` }) : null,
      );
      tooltip.hidden = false;
      const tipWidth = tooltip.offsetWidth || 140;
      const left = Math.min(Math.max(px - tipWidth / 2, 0), width - tipWidth);
      tooltip.style.left = `${left}px`;
      tooltip.style.top = `${Math.max(0, y(p.y) - 56)}px`;
      if (announce) live.textContent = `${p.label}: ${p.text}${was ? `; previous period ${was.label}: ${was.text}` : ''}`;
    };
    const hide = () => {
      focus.style('display', 'none');
      tooltip.hidden = true;
    };
    const bisect = d3().bisector((p) => p.date).center;
    svg.on('pointermove', (event) => {
      const [mx] = d3().pointer(event);
      show(bisect(points, x.invert(mx)), false);
    });
    svg.on('pointerleave', hide);
    svg.on('blur', hide);
    svg.on('focus', () => show(selected >= 0 ? selected : points.length - 1, true));
    svg.on('keydown', (event) => {
      const keys = { ArrowLeft: -1, ArrowRight: 1 };
      let next = null;
      if (event.key in keys) next = Math.min(points.length - 1, Math.max(0, (selected < 0 ? points.length - 1 : selected) + keys[event.key]));
      else if (event.key === 'Home') next = 0;
      else if (event.key === 'End') next = points.length - 1;
      else if (event.key === 'Escape') hide();
      if (next !== null) {
        event.preventDefault();
        show(next, true);
      }
    });
  };
  let drawnWidth = -1;
  resizeObserver = new ResizeObserver(() => {
    if (!chart.isConnected) return resizeObserver.disconnect();
    if (chart.clientWidth !== drawnWidth) {
      drawnWidth = chart.clientWidth;
      draw();
    }
  });
  resizeObserver.observe(chart);
}
