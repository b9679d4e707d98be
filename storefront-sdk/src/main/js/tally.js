/**
 * tally.js: the Tally browser SDK. Queues Segment-compatible events and sends them in batches
 * to `POST {apiHost}/v1/batch`, surviving reloads, offline periods and page exits.
 *
 *   const tally = Tally.init({ writeKey: 'wk_...', apiHost: 'https://tally.example.com' });
 *   tally.productViewed({ product_id: 'p1', price: 12.5 });
 *
 * Every public method swallows its own errors (with a console warning): analytics must never
 * break the host page.
 */

export const VERSION = '0.1.0';

const KEY_ANON = 'tally.anonymousId';
const KEY_USER = 'tally.userId';
const KEY_QUEUE = 'tally.queue';
const MAX_BATCH = 100; // keeps a keepalive fetch body well below the browsers' 64 KB limit
const BEACON_MAX_BYTES = 60000; // sendBeacon refuses bodies over ~64 KB
const BASE_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5 * 60 * 1000;

const DEFAULTS = { apiHost: '', flushAt: 20, flushIntervalMs: 2000, maxQueueSize: 500 };

/** Creates a client bound to the real browser globals. */
export function init(options) {
  try {
    return createClient(options, browserEnv());
  } catch (e) {
    warn(console, 'init failed: ' + (e && e.message));
    return noopClient();
  }
}

/**
 * Creates a client on an explicit environment (fetch, storage, timers, clock...). `init` uses the
 * browser's; tests pass fakes. Throws on bad options, unlike every method of the returned client.
 */
export function createClient(options, env) {
  const opts = { ...DEFAULTS, ...options };
  if (!opts.writeKey || typeof opts.writeKey !== 'string') throw new Error('tally: writeKey is required');
  opts.apiHost = String(opts.apiHost || '').replace(/\/+$/, '');
  opts.flushAt = clamp(opts.flushAt, 1, MAX_BATCH);
  const store = safeStorage(env.storage);
  const url = opts.apiHost + '/v1/batch';
  const auth = 'Basic ' + env.btoa(opts.writeKey + ':');

  let anonymousId = store.get(KEY_ANON);
  if (!anonymousId) {
    anonymousId = env.uuid();
    store.set(KEY_ANON, anonymousId);
  }
  let userId = store.get(KEY_USER) || null;
  let inFlight = false;
  let timer = null;
  let timerDue = 0;
  let attempt = 0;
  let pausedUntil = 0;

  // The queue lives in storage (not only memory) so that a reload, a crash or a second tab
  // still delivers it; duplicates this may cause are dropped by ingest on messageId.
  const readQueue = () => parseArray(store.get(KEY_QUEUE));
  const writeQueue = (q) => {
    const over = q.length - opts.maxQueueSize;
    if (over > 0) {
      q = q.slice(over); // oldest first: a long offline spell keeps the newest events
      warn(env.console, 'offline queue full, dropped ' + over + ' oldest event(s)');
    }
    store.set(KEY_QUEUE, JSON.stringify(q));
    return q;
  };
  const removeSent = (ids) => writeQueue(readQueue().filter((m) => !ids.has(m.messageId)));

  function schedule(delayMs) {
    const due = env.now() + delayMs;
    if (timer !== null && timerDue <= due) return;
    if (timer !== null) env.clearTimeout(timer);
    timerDue = due;
    timer = env.setTimeout(() => {
      timer = null;
      flush();
    }, delayMs);
  }

  function enqueue(msg) {
    const full = {
      ...msg,
      messageId: env.uuid(),
      timestamp: new Date(env.now()).toISOString(),
      anonymousId,
      context: contextOf(env),
    };
    if (userId && !full.userId) full.userId = userId;
    const q = readQueue();
    q.push(full);
    const kept = writeQueue(q);
    if (kept.length >= opts.flushAt) flush();
    else schedule(opts.flushIntervalMs);
  }

  function backoffMs() {
    const exp = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * Math.pow(2, attempt));
    return Math.round(exp / 2 + env.random() * (exp / 2)); // jitter spreads a fleet of recovering tabs
  }

  function retryLater(delayMs) {
    attempt++;
    pausedUntil = env.now() + delayMs;
    schedule(delayMs);
  }

  function flush() {
    if (inFlight) return Promise.resolve();
    if (env.now() < pausedUntil) {
      schedule(pausedUntil - env.now()); // an earlier timer may have fired during the pause
      return Promise.resolve();
    }
    const batch = readQueue().slice(0, MAX_BATCH);
    if (batch.length === 0) return Promise.resolve();
    inFlight = true;
    const body = JSON.stringify({ batch, sentAt: new Date(env.now()).toISOString() });
    const ids = new Set(batch.map((m) => m.messageId));
    let next;
    try {
      next = env.fetch(url, {
        method: 'POST',
        keepalive: true,
        headers: { 'Content-Type': 'application/json', Authorization: auth },
        body,
      });
    } catch (e) {
      next = Promise.reject(e);
    }
    return Promise.resolve(next)
      .then((res) => {
        inFlight = false;
        if (res.status >= 200 && res.status < 300) {
          attempt = 0;
          if (removeSent(ids).length > 0) schedule(0);
        } else if (res.status === 429 || res.status === 503) {
          retryLater(retryAfterMs(res, env.now()) ?? backoffMs());
        } else if (res.status >= 400 && res.status < 500) {
          // Resending a request the server rejected as invalid can only fail again.
          warn(env.console, 'events rejected with HTTP ' + res.status + ', dropped ' + ids.size);
          removeSent(ids);
          if (readQueue().length > 0) schedule(0);
        } else {
          retryLater(backoffMs());
        }
      })
      .catch(() => {
        inFlight = false;
        retryLater(backoffMs()); // offline or network error: the events stay queued in storage
      });
  }

  // On page exit a normal fetch may be cancelled; sendBeacon hands the body to the browser.
  // It cannot set headers, so the write key travels in a text/plain body.
  function flushBeacon() {
    if (typeof env.sendBeacon !== 'function') return;
    const q = readQueue();
    const sent = new Set();
    for (let i = 0; i < q.length; ) {
      let n = Math.min(MAX_BATCH, q.length - i);
      let body;
      for (;;) {
        body = JSON.stringify({ batch: q.slice(i, i + n), sentAt: new Date(env.now()).toISOString(), writeKey: opts.writeKey });
        if (body.length <= BEACON_MAX_BYTES || n === 1) break;
        n = Math.ceil(n / 2);
      }
      if (!env.sendBeacon(url, body)) break; // browser refused (quota): the rest stays for the next page
      q.slice(i, i + n).forEach((m) => sent.add(m.messageId));
      i += n;
    }
    if (sent.size > 0) removeSent(sent);
  }

  const client = {
    track: (event, properties) => enqueue({ type: 'track', event: String(event), properties: { ...properties } }),
    page: (name, properties) => {
      const p = pageContext(env);
      enqueue({ type: 'page', name: name == null ? undefined : String(name), properties: { ...p, ...properties } });
    },
    identify: (id, traits) => {
      if (id == null || id === '') throw new Error('identify needs a userId');
      userId = String(id);
      store.set(KEY_USER, userId);
      enqueue({ type: 'identify', userId, traits: { ...traits } });
    },
    reset: () => {
      userId = null;
      store.remove(KEY_USER);
      anonymousId = env.uuid();
      store.set(KEY_ANON, anonymousId);
    },
    productViewed: (p) => client.track('Product Viewed', p),
    productAdded: (p) => client.track('Product Added', p),
    productRemoved: (p) => client.track('Product Removed', p),
    cartViewed: (p) => client.track('Cart Viewed', p),
    checkoutStarted: (p) => client.track('Checkout Started', p),
    flush: () => flush(),
    anonymousId: () => anonymousId,
    userId: () => userId,
  };
  const safe = guard(client, env.console);

  if (env.on) {
    env.on('pagehide', () => safeCall(flushBeacon, env.console));
    env.on('visibilitychange', () => {
      if (env.visibilityState() === 'hidden') safeCall(flushBeacon, env.console);
    });
    env.on('online', () => {
      pausedUntil = 0;
      safeCall(flush, env.console);
    });
  }
  if (readQueue().length > 0) schedule(0); // events left over from an earlier page or an offline spell
  return safe;
}

/** Wraps every method so that nothing thrown reaches the host page; promises never reject. */
function guard(client, con) {
  const out = {};
  for (const name of Object.keys(client)) {
    out[name] = (...args) => {
      try {
        const r = client[name](...args);
        return r && typeof r.then === 'function' ? r.catch((e) => warn(con, name + ' failed', e)) : r;
      } catch (e) {
        warn(con, name + ' failed', e);
        return undefined;
      }
    };
  }
  return Object.freeze(out);
}

function safeCall(fn, con) {
  try {
    fn();
  } catch (e) {
    warn(con, 'flush on page exit failed', e);
  }
}

function noopClient() {
  const noop = () => undefined;
  const names = ['track', 'page', 'identify', 'reset', 'productViewed', 'productAdded', 'productRemoved', 'cartViewed', 'checkoutStarted', 'flush', 'anonymousId', 'userId'];
  return Object.freeze(Object.fromEntries(names.map((n) => [n, noop])));
}

/** Storage that never throws: falls back to memory when localStorage is blocked or full. */
function safeStorage(storage) {
  const memory = new Map();
  let usable = false;
  try {
    storage.setItem('tally.probe', '1');
    storage.removeItem('tally.probe');
    usable = true;
  } catch (e) {
    usable = false; // Safari private mode, disabled cookies/storage, sandboxed iframes
  }
  return {
    get(k) {
      if (usable) {
        try {
          return storage.getItem(k);
        } catch (e) {
          usable = false;
        }
      }
      return memory.has(k) ? memory.get(k) : null;
    },
    set(k, v) {
      memory.set(k, v);
      if (usable) {
        try {
          storage.setItem(k, v);
        } catch (e) {
          usable = false; // quota exceeded: keep going in memory
        }
      }
    },
    remove(k) {
      memory.delete(k);
      if (usable) {
        try {
          storage.removeItem(k);
        } catch (e) {
          usable = false;
        }
      }
    },
  };
}

/** Parses Retry-After (delta seconds or an HTTP date) into milliseconds, or null. */
export function retryAfterMs(res, nowMs) {
  const h = res && res.headers && typeof res.headers.get === 'function' ? res.headers.get('Retry-After') : null;
  if (!h) return null;
  const secs = Number(h);
  if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, MAX_BACKOFF_MS);
  const at = Date.parse(h);
  return Number.isNaN(at) ? null : Math.min(Math.max(0, at - nowMs), MAX_BACKOFF_MS);
}

/** Segment's context: the library, the page, and the user agent (for the device class). */
function contextOf(env) {
  const ctx = { library: { name: 'tally.js', version: VERSION }, page: pageContext(env) };
  const ua = env.userAgent ? env.userAgent() : '';
  if (ua) ctx.userAgent = ua;
  return ctx;
}

function pageContext(env) {
  const loc = env.location() || {};
  const doc = env.document() || {};
  return { url: loc.href || '', path: loc.pathname || '', referrer: doc.referrer || '', title: doc.title || '' };
}

function parseArray(text) {
  if (!text) return [];
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : [];
  } catch (e) {
    return []; // a corrupted queue must not wedge the SDK forever
  }
}

function clamp(n, lo, hi) {
  const v = Math.floor(Number(n));
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo;
}

function warn(con, msg, err) {
  try {
    if (con && con.warn) con.warn('[tally] ' + msg, err === undefined ? '' : err);
  } catch (e) {
    /* a broken console is not our problem */
  }
}

function uuid4() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && c.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
}

function browserEnv() {
  const w = typeof window !== 'undefined' ? window : undefined;
  let storage = null;
  try {
    storage = w && w.localStorage; // the getter itself throws when storage is blocked
  } catch (e) {
    storage = null;
  }
  const nav = typeof navigator !== 'undefined' ? navigator : undefined;
  return {
    fetch: (u, init) => fetch(u, init),
    sendBeacon: nav && typeof nav.sendBeacon === 'function' ? (u, body) => nav.sendBeacon(u, body) : undefined,
    storage,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (t) => clearTimeout(t),
    now: () => Date.now(),
    random: Math.random,
    uuid: uuid4,
    btoa: (s) => btoa(s),
    console: typeof console !== 'undefined' ? console : undefined,
    location: () => (w ? w.location : undefined),
    userAgent: () => (typeof navigator !== 'undefined' && navigator.userAgent) || '',
    document: () => (typeof document !== 'undefined' ? document : undefined),
    visibilityState: () => (typeof document !== 'undefined' ? document.visibilityState : 'visible'),
    on: w ? (type, fn) => (type === 'visibilitychange' ? document : w).addEventListener(type, fn) : undefined,
  };
}
