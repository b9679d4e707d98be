// Fakes of the browser globals tally.js touches. Pure-logic tests only: no network, no DOM.

export class FakeStorage {
  constructor({ blocked = false } = {}) {
    this.map = new Map();
    this.blocked = blocked;
  }
  getItem(k) {
    if (this.blocked) throw new Error('SecurityError');
    return this.map.has(k) ? this.map.get(k) : null;
  }
  setItem(k, v) {
    if (this.blocked) throw new Error('SecurityError');
    this.map.set(k, String(v));
  }
  removeItem(k) {
    if (this.blocked) throw new Error('SecurityError');
    this.map.delete(k);
  }
  queue() {
    return JSON.parse(this.map.get('tally.queue') || '[]');
  }
}

/** A fake environment with a manual clock: timers run only when the test advances time. */
export function fakeEnv({ storage = new FakeStorage(), responses = [] } = {}) {
  let now = Date.parse('2025-03-01T10:00:00.000Z');
  let seq = 0;
  let timerSeq = 0;
  const timers = new Map();
  const listeners = new Map();
  const env = {
    requests: [],
    beacons: [],
    warnings: [],
    responses, // each: { status, headers } or 'network-error'; default 200
    beaconAccepts: true,
    visibility: 'visible',
    storage,
    fetch(url, init) {
      env.requests.push({ url, init, body: JSON.parse(init.body) });
      const r = env.responses.length > 0 ? env.responses.shift() : { status: 200 };
      if (r === 'network-error') return Promise.reject(new TypeError('Failed to fetch'));
      const headers = new Map(Object.entries(r.headers || {}));
      return Promise.resolve({ status: r.status, headers: { get: (h) => headers.get(h) ?? null } });
    },
    sendBeacon(url, body) {
      if (!env.beaconAccepts) return false;
      env.beacons.push({ url, body: JSON.parse(body), raw: body });
      return true;
    },
    setTimeout(fn, ms) {
      const id = ++timerSeq;
      timers.set(id, { fn, at: now + ms });
      return id;
    },
    clearTimeout(id) {
      timers.delete(id);
    },
    now: () => now,
    random: () => 0.5,
    uuid: () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
    btoa: (s) => Buffer.from(s, 'binary').toString('base64'),
    console: { warn: (...args) => env.warnings.push(args.join(' ')) },
    location: () => ({ href: 'https://shop.example/prints/p1?x=1', pathname: '/prints/p1' }),
    userAgent: () => 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148',
    document: () => ({ referrer: 'https://search.example/', title: 'Print 1' }),
    visibilityState: () => env.visibility,
    on(type, fn) {
      if (!listeners.has(type)) listeners.set(type, []);
      listeners.get(type).push(fn);
    },
    emit(type) {
      (listeners.get(type) || []).forEach((fn) => fn());
    },
    /** Moves the clock forward, firing due timers in order and letting promise chains settle. */
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        await settle();
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
      }
      now = end;
      await settle();
    },
    pendingTimers: () => timers.size,
  };
  return env;
}

export async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
