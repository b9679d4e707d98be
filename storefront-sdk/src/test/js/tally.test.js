import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, init, retryAfterMs, VERSION } from '../../main/js/tally.js';
import { fakeEnv, FakeStorage } from './fakes.js';

const opts = { writeKey: 'wk_test', apiHost: 'https://tally.example/', flushAt: 20, flushIntervalMs: 2000 };

test('firstLoad_generatesAnonymousId_andKeepsItAcrossLoads', () => {
  const env = fakeEnv();
  const first = createClient(opts, env);
  const second = createClient(opts, env);
  assert.match(first.anonymousId(), /^[0-9a-f-]{36}$/);
  assert.equal(second.anonymousId(), first.anonymousId());
});

test('blockedStorage_fallsBackToMemory_andStillSends', async () => {
  const env = fakeEnv({ storage: new FakeStorage({ blocked: true }) });
  const tally = createClient(opts, env);
  tally.track('Clicked', {});
  await env.advance(2000);
  assert.equal(env.requests.length, 1);
  assert.equal(env.requests[0].body.batch[0].anonymousId, tally.anonymousId());
});

test('missingStorage_doesNotThrow', () => {
  const env = fakeEnv();
  env.storage = null;
  const tally = createClient(opts, env);
  assert.doesNotThrow(() => tally.page('Home'));
});

test('events_areBatchedToV1Batch_withBasicAuthAndKeepalive', async () => {
  const env = fakeEnv();
  const tally = createClient(opts, env);
  tally.productViewed({ product_id: 'p1', price: 12.5 });
  tally.productAdded({ product_id: 'p1', quantity: 1 });
  assert.equal(env.requests.length, 0, 'nothing is sent before the flush interval');
  await env.advance(2000);
  assert.equal(env.requests.length, 1);
  const { url, init: req, body } = env.requests[0];
  assert.equal(url, 'https://tally.example/v1/batch');
  assert.equal(req.method, 'POST');
  assert.equal(req.keepalive, true);
  assert.equal(req.headers.Authorization, 'Basic ' + Buffer.from('wk_test:').toString('base64'));
  assert.equal(req.headers['Content-Type'], 'application/json');
  assert.deepEqual(body.batch.map((e) => e.event), ['Product Viewed', 'Product Added']);
  assert.equal(body.sentAt, '2025-03-01T10:00:02.000Z');
});

test('everyEvent_carriesMessageIdTimestampLibraryAndPage', async () => {
  const env = fakeEnv();
  const tally = createClient(opts, env);
  tally.track('Signed Up', { plan: 'free' });
  await env.advance(2000);
  const [e] = env.requests[0].body.batch;
  assert.equal(e.type, 'track');
  assert.match(e.messageId, /^[0-9a-f-]{36}$/);
  assert.equal(e.timestamp, '2025-03-01T10:00:00.000Z');
  assert.deepEqual(e.context.library, { name: 'tally.js', version: VERSION });
  assert.deepEqual(e.context.page, {
    url: 'https://shop.example/prints/p1?x=1',
    path: '/prints/p1',
    referrer: 'https://search.example/',
    title: 'Print 1',
  });
  assert.match(e.context.userAgent, /iPhone/, 'the user agent gives the session its device class');
  assert.deepEqual(e.properties, { plan: 'free' });
});

test('ecommerceHelpers_useSegmentV2EventNames', async () => {
  const env = fakeEnv();
  const tally = createClient(opts, env);
  tally.productViewed({});
  tally.productAdded({});
  tally.productRemoved({});
  tally.cartViewed({});
  tally.checkoutStarted({});
  await env.advance(2000);
  assert.deepEqual(
    env.requests[0].body.batch.map((e) => e.event),
    ['Product Viewed', 'Product Added', 'Product Removed', 'Cart Viewed', 'Checkout Started'],
  );
});

test('page_sendsPageCallWithNameAndUrlProperties', async () => {
  const env = fakeEnv();
  const tally = createClient(opts, env);
  tally.page('Catalog', { category: 'prints' });
  await env.advance(2000);
  const [e] = env.requests[0].body.batch;
  assert.equal(e.type, 'page');
  assert.equal(e.name, 'Catalog');
  assert.equal(e.properties.category, 'prints');
  assert.equal(e.properties.path, '/prints/p1');
});

test('identify_linksUserAndAnonymousId_andLaterEventsCarryBoth', async () => {
  const env = fakeEnv();
  const tally = createClient(opts, env);
  const anon = tally.anonymousId();
  tally.track('Before', {});
  tally.identify('ada', { name: 'Ada' });
  tally.track('After', {});
  await env.advance(2000);
  const [before, identify, after] = env.requests[0].body.batch;
  assert.equal(before.userId, undefined);
  assert.equal(identify.type, 'identify');
  assert.equal(identify.userId, 'ada');
  assert.equal(identify.anonymousId, anon);
  assert.deepEqual(identify.traits, { name: 'Ada' });
  assert.equal(after.userId, 'ada');
  assert.equal(after.anonymousId, anon);
  assert.equal(createClient(opts, env).userId(), 'ada', 'the user survives a reload');
});

test('reset_forgetsUser_andStartsNewAnonymousId', async () => {
  const env = fakeEnv();
  const tally = createClient(opts, env);
  const anon = tally.anonymousId();
  tally.identify('ada');
  tally.reset();
  tally.track('After sign-out', {});
  await env.advance(2000);
  const last = env.requests[0].body.batch.at(-1);
  assert.notEqual(tally.anonymousId(), anon);
  assert.equal(last.anonymousId, tally.anonymousId());
  assert.equal(last.userId, undefined);
  assert.equal(createClient(opts, env).userId(), null);
});

test('reachingFlushAt_sendsImmediately', async () => {
  const env = fakeEnv();
  const tally = createClient({ ...opts, flushAt: 3 }, env);
  tally.track('a', {});
  tally.track('b', {});
  assert.equal(env.requests.length, 0);
  tally.track('c', {});
  await env.advance(0);
  assert.equal(env.requests.length, 1);
  assert.equal(env.requests[0].body.batch.length, 3);
  assert.deepEqual(env.storage.queue(), [], 'accepted events leave the queue');
});

test('serverError_retriesWithExponentialBackoff_sameMessageIds', async () => {
  const env = fakeEnv({ responses: [{ status: 500 }, { status: 502 }, { status: 200 }] });
  const tally = createClient(opts, env);
  tally.track('x', {});
  await env.advance(2000);
  assert.equal(env.requests.length, 1);
  await env.advance(749); // first backoff: 1000 ms * 2^0, jittered into [500, 1000); random 0.5 -> 750 ms
  assert.equal(env.requests.length, 1);
  await env.advance(1);
  assert.equal(env.requests.length, 2);
  await env.advance(1499); // second backoff doubles: 1500 ms
  assert.equal(env.requests.length, 2);
  await env.advance(1);
  assert.equal(env.requests.length, 3);
  const ids = env.requests.map((r) => r.body.batch[0].messageId);
  assert.equal(new Set(ids).size, 1, 'a retry resends the same messageId so ingest can dedupe');
  assert.deepEqual(env.storage.queue(), []);
});

test('tooManyRequests_honoursRetryAfter', async () => {
  const env = fakeEnv({ responses: [{ status: 429, headers: { 'Retry-After': '7' } }] });
  const tally = createClient(opts, env);
  tally.track('x', {});
  await env.advance(2000);
  tally.track('y', {}); // a new event during the pause must not jump the wait
  await env.advance(6999);
  assert.equal(env.requests.length, 1);
  await env.advance(1);
  assert.equal(env.requests.length, 2);
  assert.equal(env.requests[1].body.batch.length, 2);
});

test('serviceUnavailable_withHttpDateRetryAfter_waitsUntilThatDate', async () => {
  const env = fakeEnv({ responses: [{ status: 503, headers: { 'Retry-After': 'Sat, 01 Mar 2025 10:00:12 GMT' } }] });
  const tally = createClient(opts, env);
  tally.track('x', {});
  await env.advance(2000); // now 10:00:02, retry at 10:00:12
  await env.advance(9999);
  assert.equal(env.requests.length, 1);
  await env.advance(1);
  assert.equal(env.requests.length, 2);
});

test('otherClientError_dropsBatchWithWarning_andDoesNotRetry', async () => {
  const env = fakeEnv({ responses: [{ status: 400 }] });
  const tally = createClient(opts, env);
  tally.track('bad', {});
  await env.advance(2000);
  await env.advance(600000);
  assert.equal(env.requests.length, 1);
  assert.deepEqual(env.storage.queue(), []);
  assert.ok(env.warnings.some((w) => w.includes('HTTP 400')), env.warnings.join('\n'));
});

test('offline_keepsEventsInStorage_andSendsThemOnNextLoad', async () => {
  const env = fakeEnv({ responses: ['network-error'] });
  const tally = createClient(opts, env);
  tally.track('offline', {});
  await env.advance(2000);
  assert.equal(env.storage.queue().length, 1);

  const nextPage = fakeEnv({ storage: env.storage });
  createClient(opts, nextPage);
  await nextPage.advance(0);
  assert.equal(nextPage.requests.length, 1);
  assert.equal(nextPage.requests[0].body.batch[0].event, 'offline');
  assert.deepEqual(nextPage.storage.queue(), []);
});

test('offlineQueue_isCapped_droppingOldestFirst', async () => {
  const env = fakeEnv({ responses: Array(50).fill('network-error') });
  const tally = createClient({ ...opts, maxQueueSize: 5, flushAt: 100 }, env);
  for (let i = 0; i < 8; i++) tally.track('e' + i, {});
  assert.deepEqual(env.storage.queue().map((e) => e.event), ['e3', 'e4', 'e5', 'e6', 'e7']);
  assert.ok(env.warnings.some((w) => w.includes('dropped')));
});

test('comingBackOnline_flushesWithoutWaitingForBackoff', async () => {
  const env = fakeEnv({ responses: ['network-error', 'network-error'] });
  const tally = createClient(opts, env);
  tally.track('x', {});
  await env.advance(2000);
  await env.advance(1000);
  assert.equal(env.requests.length, 2);
  env.emit('online');
  await env.advance(0);
  assert.equal(env.requests.length, 3);
  assert.deepEqual(env.storage.queue(), []);
});

test('pageHide_sendsQueueByBeacon_asTextBodyWithWriteKey', async () => {
  const env = fakeEnv();
  const tally = createClient(opts, env);
  tally.checkoutStarted({ order_id: 'o1' });
  env.emit('pagehide');
  assert.equal(env.beacons.length, 1);
  assert.equal(env.beacons[0].url, 'https://tally.example/v1/batch');
  assert.equal(env.beacons[0].body.writeKey, 'wk_test');
  assert.equal(env.beacons[0].body.batch[0].event, 'Checkout Started');
  assert.deepEqual(env.storage.queue(), []);
  await env.advance(5000);
  assert.equal(env.requests.length, 0, 'a beaconed event is not sent again');
});

test('visibilityHidden_beacons_butVisibleDoesNot', () => {
  const env = fakeEnv();
  const tally = createClient(opts, env);
  tally.track('x', {});
  env.emit('visibilitychange');
  assert.equal(env.beacons.length, 0);
  env.visibility = 'hidden';
  env.emit('visibilitychange');
  assert.equal(env.beacons.length, 1);
});

test('refusedBeacon_keepsEventsForNextPage', () => {
  const env = fakeEnv();
  env.beaconAccepts = false;
  const tally = createClient(opts, env);
  tally.track('x', {});
  env.emit('pagehide');
  assert.equal(env.storage.queue().length, 1);
});

test('largeQueue_isSplitIntoBeaconsUnder64KB', () => {
  const env = fakeEnv();
  const tally = createClient({ ...opts, flushAt: 100 }, env);
  const big = 'x'.repeat(2000);
  for (let i = 0; i < 60; i++) tally.track('e' + i, { big });
  env.emit('pagehide');
  assert.ok(env.beacons.length >= 2);
  assert.ok(env.beacons.every((b) => b.raw.length <= 60000));
  assert.equal(env.beacons.flatMap((b) => b.body.batch).length, 60);
});

test('publicMethods_neverThrowIntoHostPage', () => {
  const env = fakeEnv();
  env.fetch = () => {
    throw new Error('boom');
  };
  env.uuid = (() => {
    let n = 0;
    return () => {
      if (++n > 1) throw new Error('no entropy');
      return '00000000-0000-4000-8000-000000000001';
    };
  })();
  const tally = createClient(opts, env);
  assert.doesNotThrow(() => tally.identify(''));
  assert.doesNotThrow(() => tally.track('x', {}));
  assert.doesNotThrow(() => tally.reset());
  assert.doesNotThrow(() => tally.flush());
  assert.ok(env.warnings.length >= 2);
});

test('init_withoutWriteKey_returnsNoopClientInsteadOfThrowing', () => {
  const tally = init({});
  assert.doesNotThrow(() => tally.track('x', {}));
  assert.equal(tally.anonymousId(), undefined);
});

test('retryAfter_parsesSecondsAndDates_andIgnoresGarbage', () => {
  const res = (v) => ({ headers: { get: () => v } });
  assert.equal(retryAfterMs(res('3'), 0), 3000);
  assert.equal(retryAfterMs(res('Thu, 01 Jan 1970 00:00:05 GMT'), 1000), 4000);
  assert.equal(retryAfterMs(res('soon'), 0), null);
  assert.equal(retryAfterMs(res(null), 0), null);
});
