// Client for the Tally query API (same origin, bearer read key). Every failure becomes an
// ApiError with a `kind` the page turns into a message that says what to do next.

export const API_ERROR_KINDS = Object.freeze([
  'auth', // 401/403: the read key was refused
  'network', // no answer at all (server down, offline, CORS, timeout)
  'rateLimited', // 429
  'badRequest', // 400
  'notFound', // 404
  'server', // 5xx
  'badResponse', // an answer that is not the JSON the contract promises
]);

export class ApiError extends Error {
  constructor(kind, message, { status = null, code = null, retryAfterSeconds = null, cause } = {}) {
    super(message, cause ? { cause } : undefined);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function kindForStatus(status) {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rateLimited';
  if (status === 404) return 'notFound';
  if (status >= 500) return 'server';
  return 'badRequest';
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function retryAfter(response) {
  const header = response.headers?.get?.('Retry-After');
  const seconds = header ? Number.parseInt(header, 10) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/**
 * createApiClient({ baseUrl: '', getKey: () => key, fetch, timeoutMs }).
 * Each method takes an optional AbortSignal so a newer request can cancel an older one.
 */
export function createApiClient({ baseUrl = '', getKey, fetch: fetchImpl = globalThis.fetch, timeoutMs = 20_000 }) {
  async function get(path, params, signal, accept = 'application/json') {
    const query = params ? `?${new URLSearchParams(params)}` : '';
    const url = `${baseUrl}${path}${query}`;
    const key = getKey();
    if (!key) throw new ApiError('auth', 'No read key has been entered yet.');
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response;
    try {
      response = await fetchImpl(url, {
        headers: { Authorization: `Bearer ${key}`, Accept: accept },
        signal: combined,
        cache: 'no-store',
      });
    } catch (error) {
      if (signal?.aborted) throw error; // superseded by a newer request: not a failure to show
      const timedOut = timeout.aborted;
      throw new ApiError('network', timedOut ? 'The Tally API did not answer in time.' : 'The Tally API could not be reached.', {
        cause: error,
      });
    }
    if (accept === 'text/csv' && response.ok) return response.text();
    const body = await readJson(response);
    if (!response.ok) {
      const message = body && typeof body.message === 'string' ? body.message : `HTTP ${response.status}`;
      throw new ApiError(kindForStatus(response.status), message, {
        status: response.status,
        code: body && typeof body.error === 'string' ? body.error : null,
        retryAfterSeconds: retryAfter(response),
      });
    }
    if (body === undefined || body === null || typeof body !== 'object') {
      throw new ApiError('badResponse', 'The Tally API sent an answer that is not JSON.', { status: response.status });
    }
    return body;
  }

  return {
    store: (signal) => get('/api/v1/store', null, signal),
    summary: ({ from, to }, signal) => get('/api/v1/summary', { from, to }, signal),
    funnel: ({ from, to }, signal) => get('/api/v1/funnel', { from, to }, signal),
    timeseries: ({ metric, from, to, interval }, signal) =>
      get('/api/v1/timeseries', { metric, from, to, interval }, signal),
    topProducts: ({ from, to, by, limit = 10 }, signal) =>
      get('/api/v1/products/top', { from, to, by, limit: String(limit) }, signal),
    acquisition: ({ from, to, by, limit = 20 }, signal) =>
      get('/api/v1/acquisition', { from, to, by, limit: String(limit) }, signal),
    userMetrics: ({ uid, from, to }, signal) =>
      get(`/api/v1/users/${encodeURIComponent(uid)}/metrics`, { from, to }, signal),
    /** Customers: { from, to, sort, limit } for a range, or { prefix, limit } for a search. */
    customers: (params, signal) => get('/api/v1/customers', params, signal),
    /** The same answer as CSV text: `request` is { path, params } as a view made it. */
    csv: ({ path, params }, signal) => get(path, params, signal, 'text/csv'),
  };
}

/**
 * What to tell the merchant about an error: { title, detail, action } where action is
 * 'retry' or 'changeKey'. `origin` is where the API was expected.
 */
export function describeError(error, origin) {
  if (!(error instanceof ApiError)) {
    return {
      title: 'Something went wrong while showing this view.',
      detail: `${error?.message ?? error}. Reload the page; if it happens again, tell your Tally administrator.`,
      action: 'retry',
    };
  }
  const apiSays = error.status ? ` (HTTP ${error.status}${error.code ? `, ${error.code}` : ''}: ${error.message})` : '';
  switch (error.kind) {
    case 'auth':
      return {
        title: 'This read key was not accepted — check that you pasted the store’s read key, not its write key.',
        detail: `Keys can be revoked or rotated; ask the store owner for the current read key${apiSays}.`,
        action: 'changeKey',
      };
    case 'network':
      return {
        title: `Can't reach the Tally API at ${origin}.`,
        detail: `${error.message} Check that the Tally server is running (for a local stack: tally up) and that you are online, then retry.`,
        action: 'retry',
      };
    case 'rateLimited':
      return {
        title: 'Too many requests for this read key right now.',
        detail: `Wait ${error.retryAfterSeconds ?? 'a few'} seconds, then retry${apiSays}.`,
        action: 'retry',
      };
    case 'badRequest':
      return {
        title: 'The Tally API could not answer this question.',
        detail: `Try a shorter date range or different options${apiSays}.`,
        action: 'retry',
      };
    case 'notFound':
      return {
        title: 'The Tally API does not know this address.',
        detail: `The server may be older than these pages; check that the dashboards and API versions match${apiSays}.`,
        action: 'retry',
      };
    case 'server':
      return {
        title: 'The Tally API had a problem answering.',
        detail: `Retry in a moment; if it keeps happening, check the server logs${apiSays}.`,
        action: 'retry',
      };
    default:
      return {
        title: 'The Tally API sent an unexpected answer.',
        detail: `Check that the page is served by the Tally server (or that /api/ is routed to it)${apiSays}.`,
        action: 'retry',
      };
  }
}
