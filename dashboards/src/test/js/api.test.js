import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, createApiClient, describeError } from '../../main/resources/dashboards/js/lib/api.js';

function fakeFetch(status, body, headers = {}) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
  };
  return { fetch, calls };
}

test('requests carry the bearer read key in a header, never in the URL', async () => {
  const { fetch, calls } = fakeFetch(200, { id: 'demo' });
  const api = createApiClient({ baseUrl: '', getKey: () => 'rk_secret', fetch });
  await api.topProducts({ from: '2026-11-01', to: '2026-11-07', by: 'units' });
  assert.equal(calls[0].url, '/api/v1/products/top?from=2026-11-01&to=2026-11-07&by=units&limit=10');
  assert.equal(calls[0].init.headers.Authorization, 'Bearer rk_secret');
  assert.ok(!calls[0].url.includes('rk_secret'));
});

test('user ids are escaped into the path', async () => {
  const { fetch, calls } = fakeFetch(200, {});
  const api = createApiClient({ getKey: () => 'k', fetch });
  await api.userMetrics({ uid: 'a/b c?', from: '2026-11-01', to: '2026-11-02' });
  assert.equal(calls[0].url, '/api/v1/users/a%2Fb%20c%3F/metrics?from=2026-11-01&to=2026-11-02');
});

async function failure(status, body, headers) {
  const { fetch } = fakeFetch(status, body, headers);
  const api = createApiClient({ getKey: () => 'k', fetch });
  return api.store().then(() => assert.fail('expected an error'), (e) => e);
}

test('HTTP errors become ApiErrors with the API message', async () => {
  const auth = await failure(401, { error: 'unauthorized', message: 'unknown read key' });
  assert.ok(auth instanceof ApiError);
  assert.equal(auth.kind, 'auth');
  assert.equal(auth.message, 'unknown read key');
  assert.equal(auth.code, 'unauthorized');
  assert.equal((await failure(403, {})).kind, 'auth');
  const limited = await failure(429, { error: 'rate_limited', message: 'slow down' }, { 'Retry-After': '7' });
  assert.equal(limited.kind, 'rateLimited');
  assert.equal(limited.retryAfterSeconds, 7);
  assert.equal((await failure(400, { error: 'bad_range', message: 'x' })).kind, 'badRequest');
  assert.equal((await failure(404, 'Not Found')).kind, 'notFound');
  const server = await failure(503, '<html>bad gateway</html>');
  assert.equal(server.kind, 'server');
  assert.equal(server.message, 'HTTP 503');
  assert.equal((await failure(200, '<html>index</html>')).kind, 'badResponse');
});

test('an unreachable API is a network error', async () => {
  const api = createApiClient({ getKey: () => 'k', fetch: async () => { throw new TypeError('fetch failed'); } });
  const error = await api.store().catch((e) => e);
  assert.equal(error.kind, 'network');
});

test('no key means an auth error without any request', async () => {
  const { fetch, calls } = fakeFetch(200, {});
  const api = createApiClient({ getKey: () => null, fetch });
  assert.equal((await api.store().catch((e) => e)).kind, 'auth');
  assert.equal(calls.length, 0);
});

test('error messages say what to do', () => {
  const auth = describeError(new ApiError('auth', 'bad key', { status: 401 }), 'http://localhost:8080');
  assert.match(auth.title, /^This read key was not accepted — check/);
  assert.equal(auth.action, 'changeKey');
  const down = describeError(new ApiError('network', 'The Tally API could not be reached.'), 'http://localhost:8080');
  assert.match(down.title, /^Can't reach the Tally API at http:\/\/localhost:8080/);
  assert.equal(down.action, 'retry');
  assert.match(describeError(new ApiError('server', 'boom', { status: 500 }), '').detail, /HTTP 500/);
  assert.match(describeError(new Error('oops'), '').title, /went wrong/);
});

test('csv asks for text/csv with the same path and parameters, and returns the text as sent', async () => {
  const { fetch, calls } = fakeFetch(200, 'step,users\r\nvisited,3\r\n');
  const api = createApiClient({ getKey: () => 'k', fetch });
  const text = await api.csv({ path: '/api/v1/funnel', params: { from: '2026-11-01', to: '2026-11-02' } });
  assert.equal(text, 'step,users\r\nvisited,3\r\n');
  assert.equal(calls[0].url, '/api/v1/funnel?from=2026-11-01&to=2026-11-02');
  assert.equal(calls[0].init.headers.Accept, 'text/csv');
});

test('a refused csv request is an ApiError like any other', async () => {
  const { fetch } = fakeFetch(401, { error: 'unauthorized', message: 'unknown read key' });
  const api = createApiClient({ getKey: () => 'k', fetch });
  const error = await api.csv({ path: '/api/v1/funnel', params: {} }).then(() => assert.fail('expected an error'), (e) => e);
  assert.equal(error.kind, 'auth');
});
