// What the query API can chart, with the labels merchants see.

/** Time-series metrics in the order the metric picker lists them. */
export const METRICS = Object.freeze([
  { id: 'revenue', label: 'Revenue', unit: 'money' },
  { id: 'netRevenue', label: 'Net revenue', unit: 'money' },
  { id: 'refunds', label: 'Refunds', unit: 'money' },
  { id: 'averageOrderValue', label: 'Average order value', unit: 'money' },
  { id: 'ordersCompleted', label: 'Orders', unit: 'count' },
  { id: 'ordersRefunded', label: 'Orders refunded', unit: 'count' },
  { id: 'itemsPurchased', label: 'Items purchased', unit: 'count' },
  { id: 'visitors', label: 'Visitors', unit: 'count' },
  { id: 'sessions', label: 'Sessions', unit: 'count' },
  { id: 'newVisitors', label: 'New visitors', unit: 'count' },
  { id: 'returningVisitors', label: 'Returning visitors', unit: 'count' },
  { id: 'conversionRate', label: 'Conversion rate', unit: 'ratio' },
  { id: 'events', label: 'All events', unit: 'count' },
  { id: 'pageViews', label: 'Page views', unit: 'count' },
  { id: 'productViews', label: 'Product views', unit: 'count' },
  { id: 'productsAdded', label: 'Products added to cart', unit: 'count' },
  { id: 'productsRemoved', label: 'Products removed from cart', unit: 'count' },
  { id: 'cartViews', label: 'Cart views', unit: 'count' },
  { id: 'checkoutsStarted', label: 'Checkouts started', unit: 'count' },
  { id: 'searches', label: 'Searches', unit: 'count' },
  { id: 'customEvents', label: 'Custom events', unit: 'count' },
]);

export const METRIC_IDS = Object.freeze(METRICS.map((m) => m.id));

/** Money-valued fields of per-user day rows and totals. */
export const MONEY_FIELDS = new Set(['revenue', 'refunds', 'netRevenue', 'averageOrderValue']);

/** Label for a metric or per-user field id, falling back to a humanized id. */
export function metricLabel(id, fallback) {
  return METRICS.find((m) => m.id === id)?.label ?? fallback(id);
}

/** KPI tiles of the summary endpoint, in display order (ids are the time series' metric ids). */
export const KPI_TILES = Object.freeze([
  { id: 'revenue', label: 'Revenue', unit: 'money' },
  { id: 'ordersCompleted', label: 'Orders', unit: 'count' },
  { id: 'averageOrderValue', label: 'Average order value', unit: 'money' },
  { id: 'visitors', label: 'Visitors', unit: 'count' },
  { id: 'conversionRate', label: 'Conversion rate', unit: 'ratio' },
  { id: 'sessions', label: 'Sessions', unit: 'count' },
  { id: 'newVisitors', label: 'New visitors', unit: 'count' },
  { id: 'returningVisitors', label: 'Returning visitors', unit: 'count' },
]);

export const INTERVALS = Object.freeze([
  { id: 'day', label: 'Day' },
  { id: 'week', label: 'Week' },
  { id: 'month', label: 'Month' },
]);

export const PRODUCT_SORTS = Object.freeze([
  { id: 'views', label: 'Views' },
  { id: 'adds', label: 'Adds' },
  { id: 'units', label: 'Units' },
  { id: 'revenue', label: 'Revenue' },
]);

/** Acquisition dimensions of the Sources view (the API's `by`). */
export const ACQUISITION_DIMENSIONS = Object.freeze([
  { id: 'source', label: 'Source / medium' },
  { id: 'campaign', label: 'Campaign' },
  { id: 'landingPage', label: 'Landing page' },
  { id: 'device', label: 'Device' },
]);
