// Funnel numbers for display. The API sends counts and conversions per step; this module
// picks the pair for the chosen mode (distinct users or user-days), fills in anything the
// API left out, and derives the drop-off between steps, so the chart, table and tests
// all read the same numbers.

export const FUNNEL_STEPS = Object.freeze([
  { id: 'visited', label: 'Visited the store' },
  { id: 'viewedProduct', label: 'Viewed a product' },
  { id: 'addedToCart', label: 'Added to cart' },
  { id: 'startedCheckout', label: 'Started checkout' },
  { id: 'completedOrder', label: 'Completed an order' },
]);

export const FUNNEL_MODES = Object.freeze([
  { id: 'users', label: 'Distinct users', description: 'each person counted once in the range' },
  { id: 'userDays', label: 'User-days', description: 'each person counted once per day they took the step' },
]);

function ratio(part, whole) {
  return whole > 0 ? part / whole : null;
}

function finiteOr(value, fallback) {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/**
 * One row per step: { id, label, count, approximate, conversionFromStart,
 * conversionFromPrevious, dropOff, dropOffRate }. Conversions are ratios (or null when the
 * base is zero); dropOff is how many of the previous step did not reach this one (0 for the
 * first step, never negative).
 */
export function funnelRows(steps, mode) {
  const useUsers = mode !== 'userDays';
  const list = Array.isArray(steps) ? steps : [];
  const labelOf = (id) => FUNNEL_STEPS.find((s) => s.id === id)?.label ?? id;
  const counts = list.map((s) => Math.max(0, finiteOr(useUsers ? s.users : s.userDays, 0)));
  const first = counts[0] ?? 0;
  return list.map((step, i) => {
    const count = counts[i];
    const previous = i === 0 ? count : counts[i - 1];
    const fromStart = useUsers ? step.conversionFromStart : step.userDaysConversionFromStart;
    const fromPrevious = useUsers ? step.conversionFromPrevious : step.userDaysConversionFromPrevious;
    const dropOff = i === 0 ? 0 : Math.max(0, previous - count);
    return {
      id: step.step,
      label: labelOf(step.step),
      count,
      approximate: useUsers && step.approximate === true,
      conversionFromStart: finiteOr(fromStart, ratio(count, first)),
      conversionFromPrevious: finiteOr(fromPrevious, ratio(count, previous)),
      dropOff,
      dropOffRate: i === 0 ? null : ratio(dropOff, previous),
    };
  });
}

/** True when nobody entered the funnel in the range. */
export function funnelIsEmpty(rows) {
  return rows.length === 0 || rows[0].count === 0;
}
