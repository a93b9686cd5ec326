// Bad input must never produce a 5xx, crash the server or change stored data (docs/spec.md#4-http-api): a few
// thousand generated query strings against every GET route, and generated bodies against every POST.
import { apiErrorSchema, rttResponseSchema } from '@hopwatch/shared/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  droppedSession,
  rttSeries,
  startApiFixture,
  T0,
} from '../test-support/api-fixture.js';

const GET_ROUTES = [
  '/healthz',
  '/metrics',
  '/api/targets',
  '/api/sessions',
  '/api/rtt',
  '/api/events',
  '/api/incidents',
  '/api/incidents/x',
  '/api/drops',
  '/api/attribute',
  '/api/live',
];
const PARAMS = [
  'target',
  'leg',
  'from',
  'to',
  'limit',
  'step',
  'since',
  'at',
  '__proto__',
  'constructor',
  'a[b]',
  '',
];

/** A small seeded PRNG (mulberry32), so a failure names a case that can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function hostileValue(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const randomBytes = () =>
    Array.from(
      { length: Math.floor(random() * 40) },
      () =>
        `%${Math.floor(random() * 256)
          .toString(16)
          .padStart(2, '0')}`,
    ).join('');
  return pick([
    () => 't3',
    () => 'edge',
    () => String(T0),
    () => '2024-01-01T00:00:00Z',
    () => '',
    () => '-1',
    () => '0',
    () => 'NaN',
    () => 'Infinity',
    () => '1e308',
    () => '9'.repeat(1 + Math.floor(random() * 400)),
    () => String(Number.MAX_SAFE_INTEGER + 2),
    () => '2024-13-45T99:99:99Z',
    () => '2024-02-30',
    () => '0000-00-00',
    () => '+275760-09-13T00:00:00Z',
    () => '1m',
    () => '-5s',
    () => '999999999999d',
    () => 'x'.repeat(1 + Math.floor(random() * 20_000)),
    () => '%E0%A4%A',
    () => '%',
    () => '%00',
    () => '%F0%9F%98%80',
    () => '{"$gt":1}',
    () => "' OR 1=1 --",
    () => '../../etc/passwd',
    () => '<script>alert(1)</script>',
    randomBytes,
  ])();
}

function hostileQuery(random: () => number): string {
  const parts: string[] = [];
  const count = Math.floor(random() * 6);
  for (let i = 0; i < count; i += 1) {
    const name = PARAMS[Math.floor(random() * PARAMS.length)] ?? '';
    if (random() < 0.1)
      parts.push(name); // a bare key with no '='
    else parts.push(`${name}=${hostileValue(random)}`);
    if (random() < 0.1) parts.push(`${name}=${hostileValue(random)}`); // repeated: a=1&a=2
  }
  if (random() < 0.05) parts.push('&&&==');
  return parts.join('&');
}

function expectJsonError(status: number, body: string, what: string): void {
  expect(status, `${what} → ${status} ${body.slice(0, 300)}`).toBeLessThan(500);
  if (status >= 400) {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(body);
    } catch {
      // asserted below, with the case named
    }
    expect(
      apiErrorSchema.safeParse(parsed).success,
      `${what} → ${status} ${JSON.stringify(body.slice(0, 200))}`,
    ).toBe(true);
  }
}

describe('hostile input', () => {
  let f: ApiFixture;
  let storedEvents = 0;

  beforeAll(async () => {
    f = await startApiFixture({ app: { writeRateLimit: { capacity: 100_000, refillPerSecond: 100_000 } } });
    f.publish([...droppedSession('edge', 'e1', T0, 60_000), ...rttSeries('edge', 'e1', T0, 60)]);
    // rtt events this old leave the event log after an hour (store/retention.ts): count the other kinds.
    storedEvents = (await f.runtime.store.after(0, 100_000)).filter(
      (e) => e.event.target === 't3' && e.event.ts < T0 + 3_600_000 && e.event.kind !== 'rtt',
    ).length;
  });
  afterAll(async () => f.close());

  it('never answers a generated query string with a 5xx, and every error is { error, message }', async () => {
    const random = prng(20_240_101);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 3_000; i += 1) {
      const route = GET_ROUTES[i % GET_ROUTES.length] ?? '/';
      const url = `${route}?${hostileQuery(random)}`;
      const response = await f.app.inject({ method: 'GET', url });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      expectJsonError(response.statusCode, response.body, `case ${i}: GET ${url.slice(0, 200)}`);
    }
    // The generator is not all garbage: some requests must have been served.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
  });

  it('never answers a malformed path with a 5xx', async () => {
    for (const url of [
      '/api/%E0%A4%A',
      '/api/incidents/%',
      '/api//sessions',
      '/api/sessions/../targets',
      `/api/${'a'.repeat(8_000)}`,
      '/%00',
      '/api/incidents/%2e%2e',
    ]) {
      const response = await f.app.inject({ method: 'GET', url });
      expectJsonError(response.statusCode, response.body, `GET ${url.slice(0, 80)}`);
    }
  });

  it('never answers a generated body with a 5xx', async () => {
    const random = prng(7);
    const bodies = (i: number): string => {
      const value = () => (random() < 0.5 ? hostileValue(random) : random() * 1e20 - 1e19);
      switch (i % 8) {
        case 0:
          return JSON.stringify({
            target: value(),
            from: value(),
            to: value(),
            title: value(),
            note: value(),
          });
        case 1:
          return JSON.stringify({ target: 't3', from: T0, to: T0 + 1, title: 'x', extra: value() });
        case 2:
          return JSON.stringify([value()]);
        case 3:
          return '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"target":"t3"}';
        case 4:
          return `{"target":"${hostileValue(random)}"`;
        case 5:
          return JSON.stringify({ target: 't3', from: T0, to: T0, title: 'x'.repeat(201) });
        case 6:
          return JSON.stringify({ token: value() });
        default:
          return String(value());
      }
    };
    for (let i = 0; i < 1_000; i += 1) {
      const url = i % 8 === 6 ? '/api/login' : '/api/incidents';
      const response = await f.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: bodies(i),
      });
      expectJsonError(response.statusCode, response.body, `case ${i}: POST ${url}`);
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('is still healthy afterwards, with the stored history intact', async () => {
    expect((await f.app.inject({ url: '/healthz' })).json()).toMatchObject({ status: 'ok' });
    const after = (await f.runtime.store.after(0, 100_000)).filter(
      (e) => e.event.target === 't3' && e.event.ts < T0 + 3_600_000 && e.event.kind !== 'rtt',
    ).length;
    expect(after).toBe(storedEvents);
    const sessions = await f.app.inject({
      url: `/api/sessions?target=t3&leg=edge&from=${T0}&to=${T0 + 60_000}`,
    });
    expect(sessions.json().sessions.map((s: { id: string }) => s.id)).toEqual(['e1']);
    const rtt = await f.app.inject({ url: `/api/rtt?target=t3&leg=edge&from=${T0}&to=${T0 + 60_000}` });
    const heartbeats = rttResponseSchema.parse(rtt.json()).points.reduce((sum, p) => sum + p.n + p.lost, 0);
    expect(heartbeats).toBe(60);
  });
});
