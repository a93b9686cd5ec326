// GET /api/attribute on the real app and runtime: a drop a user reports is judged against what the legs
// recorded around that time.
import { attributeResponseSchema, type HopEvent } from '@hopwatch/shared/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labTarget } from '../../../lab/lab-config.js';
import { closedSession, rtt, sessionOpen } from '../../../store/test-support/store-fixture.js';
import { buildTestApp, type TestApp } from '../../test-support/test-app.js';
import { MAX_CLOCK_SKEW_MS } from './index.js';

const HEARTBEAT = { intervalMs: 200, timeoutMs: 600 };
const WINDOW_MS = 1_000;

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp({
    configure: (config) => {
      config.targets = [
        labTarget({
          ports: { edge: 1, lb: 2, app: 3 },
          heartbeat: HEARTBEAT,
          correlationWindowMs: WINDOW_MS,
        }),
      ];
    },
  });
});
afterEach(async () => {
  await t.close();
});

/** Every leg up with heartbeats answered over [from, to]; `dropped` legs end with a reset at `dropAt`. */
function record(from: number, to: number, dropped: string[] = [], dropAt = 0) {
  const events: HopEvent[] = [];
  for (const leg of ['edge', 'lb', 'app']) {
    const id = `${leg}-1`;
    const end = dropped.includes(leg) ? dropAt : to;
    events.push(sessionOpen('lab', leg, id, from));
    for (let ts = from, seq = 1; ts <= end; ts += HEARTBEAT.intervalMs, seq += 1)
      events.push(rtt('lab', leg, id, ts, 3, { seq }));
    if (dropped.includes(leg)) {
      events.push({
        kind: 'session_close',
        ts: dropAt,
        target: 'lab',
        leg,
        session: closedSession('lab', leg, id, from, dropAt, { cause: 'reset' }),
      });
    }
  }
  for (const event of events) t.runtime.bus.publish(event);
}

async function attribute(query: string) {
  const response = await t.app.inject({ method: 'GET', url: `/api/attribute${query}` });
  return { status: response.statusCode, body: response.json() };
}

describe('GET /api/attribute', () => {
  it('every leg clean at the reported time → last-mile, with high confidence', async () => {
    const at = Date.now() - 30_000;
    record(at - 10_000, at + 10_000);
    const { status, body } = await attribute(`?target=lab&at=${new Date(at).toISOString()}`);
    expect(status).toBe(200);
    const { verdict } = attributeResponseSchema.parse(body);
    expect(verdict).toMatchObject({
      kind: 'reported',
      target: 'lab',
      at,
      suspects: ['last-mile'],
      confidence: 'high',
      clean: ['edge', 'lb', 'app'],
      summary: 'last-mile: edge, lb and app all stayed up when the drop was reported',
    });
  });

  it('legs that dropped around the reported time point at their hops instead', async () => {
    const at = Date.now() - 30_000;
    record(at - 10_000, at + 10_000, ['edge', 'lb'], at + 300);
    const { body } = await attribute(`?target=lab&at=${at}`);
    expect(body.verdict).toMatchObject({ dropped: ['edge', 'lb'], clean: ['app'], suspects: ['lb'] });
  });

  it('a report slightly ahead of the server clock means now', async () => {
    const before = Date.now();
    const { status, body } = await attribute(`?target=lab&at=${before + 5_000}`);
    const after = Date.now();
    expect(status).toBe(200);
    // the server's now, taken while the request was served: between the two readings, however slow it was
    expect(body.verdict.at).toBeGreaterThanOrEqual(before);
    expect(body.verdict.at).toBeLessThanOrEqual(after);
  });

  it.each<[string, () => string, number, string, RegExp]>([
    ['an unknown target', () => `?target=nope&at=${Date.now()}`, 404, 'unknown_target', /known targets: lab/],
    ['a missing target', () => `?at=${Date.now()}`, 400, 'bad_query', /^target: is required/],
    ['a missing time', () => '?target=lab', 400, 'bad_query', /^at: is required/],
    ['a time that is not one', () => '?target=lab&at=noonish', 400, 'bad_query', /^at: /],
    [
      'a time in the future',
      () => `?target=lab&at=${Date.now() + MAX_CLOCK_SKEW_MS + 60_000}`,
      400,
      'bad_query',
      /^at: is in the future/,
    ],
  ])('refuses %s', async (_name, query, status, error, message) => {
    const response = await attribute(query());
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error });
    expect(response.body.message).toMatch(message);
  });
});
