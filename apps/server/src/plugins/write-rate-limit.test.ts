import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../routes/test-support/test-app.js';
import { TokenBuckets } from './write-rate-limit.js';

describe('TokenBuckets', () => {
  it('allows a burst of `capacity`, then refills at the given rate', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 3, refillPerSecond: 2 }, { now: () => now });
    expect([1, 2, 3].map(() => buckets.take('a').ok)).toEqual([true, true, true]);
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterS: 1 });
    expect(buckets.take('b').ok).toBe(true); // clients do not share a bucket
    now += 500; // one token back
    expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(false);
    now += 60_000; // never more than capacity
    expect([1, 2, 3, 4].map(() => buckets.take('a').ok)).toEqual([true, true, true, false]);
  });

  it('says how long to wait at a slow refill rate', () => {
    const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 0.1 }, { now: () => 0 });
    buckets.take('a');
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterS: 10 });
  });

  it('stays bounded under a spray of client addresses', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 2, refillPerSecond: 1 }, { maxKeys: 100, now: () => now });
    buckets.take('busy');
    buckets.take('busy');
    for (let i = 0; i < 10_000; i += 1) {
      buckets.take(`10.0.${i >> 8}.${i & 255}`);
      now += 1;
    }
    expect(buckets.size).toBeLessThanOrEqual(100);
  });
});

describe('write rate limit on the app', () => {
  let t: TestApp;
  afterEach(async () => t.close());

  it('answers 429 rate_limited with Retry-After once the burst is spent, and leaves reads alone', async () => {
    t = await buildTestApp({ app: { writeRateLimit: { capacity: 3, refillPerSecond: 0.01 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push(
        (await t.app.inject({ method: 'POST', url: '/api/login', payload: { token: 'x' } })).statusCode,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await t.app.inject({ method: 'POST', url: '/api/login', payload: { token: 'x' } });
    expect(limited.json()).toMatchObject({ error: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});
