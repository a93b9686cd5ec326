// GET /api/drops on the real app and runtime: verdicts the judge published come back newest first, filtered,
// and bad queries get a 400 naming the parameter.
import { dropsResponseSchema, type Verdict } from '@hopwatch/shared/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labTarget } from '../../../lab/lab-config.js';
import { buildTestApp, type TestApp } from '../../test-support/test-app.js';

const T0 = Date.UTC(2026, 5, 10, 12, 0, 0);

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp({
    configure: (config) => {
      config.targets = [
        labTarget({ ports: { edge: 1, lb: 2, app: 3 }, heartbeat: { intervalMs: 200, timeoutMs: 600 } }),
      ];
    },
  });
});
afterEach(async () => {
  await t.close();
});

function verdict(id: string, at: number, suspects: string[]): Verdict {
  return {
    id,
    target: 'lab',
    kind: 'cluster',
    at,
    from: at - 5_000,
    to: at + 5_000,
    dropped: ['edge', 'lb'],
    clean: ['app'],
    unknown: [],
    suspects,
    confidence: 'high',
    signatures: [],
    summary: `${suspects.join(' or ')}: edge and lb dropped together while app stayed up`,
    sessionIds: [`${id}-s`],
    judgedAt: at + 5_000,
    evidence: [],
    final: true,
  };
}

function publish(...verdicts: Verdict[]) {
  for (const v of verdicts)
    t.runtime.bus.publish({ kind: 'verdict', ts: v.judgedAt, target: v.target, leg: null, verdict: v });
}

async function get(query: string) {
  const response = await t.app.inject({ method: 'GET', url: `/api/drops${query}` });
  return { status: response.statusCode, body: response.json() };
}

describe('GET /api/drops', () => {
  it('serves published verdicts newest first, in the wire shape', async () => {
    publish(verdict('a', T0, ['lb']), verdict('b', T0 + 60_000, ['app']), verdict('c', T0 + 120_000, ['lb']));
    const { status, body } = await get('?target=lab');
    expect(status).toBe(200);
    expect(dropsResponseSchema.parse(body).drops.map((d) => d.id)).toEqual(['c', 'b', 'a']);
  });

  it('a re-judged cluster appears once, as last judged', async () => {
    publish(verdict('a', T0, ['lb']), { ...verdict('a', T0, ['app']), judgedAt: T0 + 9_000 });
    const { body } = await get('');
    expect(body.drops).toHaveLength(1);
    expect(body.drops[0]).toMatchObject({ id: 'a', suspects: ['app'], judgedAt: T0 + 9_000 });
  });

  it('serves a verdict an older hopwatch stored, without evidence or final, with their defaults', async () => {
    // The store keeps a verdict's JSON as it was judged; versions before evidence and provisional verdicts
    // wrote neither field. The response encoder needs both: it answered 500 for such a verdict.
    const { evidence, final, ...older } = verdict('old', T0, ['lb']);
    publish(older as Verdict);
    const { status, body } = await get('');
    expect(status).toBe(200);
    expect(body.drops[0]).toMatchObject({ id: 'old', evidence: [], final: true });
    const events = await t.app.inject({ method: 'GET', url: '/api/events?since=0' });
    expect(events.statusCode).toBe(200);
    const stored = events.json().events.find((e: { event: { kind: string } }) => e.event.kind === 'verdict');
    expect(stored.event.verdict).toMatchObject({ id: 'old', evidence: [], final: true });
  });

  it.each<[string, string, string[]]>([
    ['from and to in epoch ms', `?from=${T0 + 1}&to=${T0 + 60_000}`, ['b']],
    [
      'from and to in ISO 8601',
      `?from=${new Date(T0 + 30_000).toISOString()}&to=${new Date(T0 + 200_000).toISOString()}`,
      ['c', 'b'],
    ],
    ['limit', '?limit=2', ['c', 'b']],
  ])('filters by %s', async (_name, query, ids) => {
    publish(verdict('a', T0, ['lb']), verdict('b', T0 + 60_000, ['app']), verdict('c', T0 + 120_000, ['lb']));
    const { status, body } = await get(query);
    expect(status).toBe(200);
    expect(body.drops.map((d: Verdict) => d.id)).toEqual(ids);
  });

  it.each<[string, string, number, string, RegExp]>([
    [
      'an unknown target',
      '?target=nope',
      404,
      'unknown_target',
      /target "nope" is not configured; known targets: lab/,
    ],
    ['a time that is not one', '?from=yesterday', 400, 'bad_query', /^from: /],
    ['to before from', `?from=${T0}&to=${T0 - 1}`, 400, 'bad_query', /^to: must not be before from/],
    ['a limit out of range', '?limit=0', 400, 'bad_query', /^limit: must be an integer from 1 to 1000/],
    ['an unknown parameter', '?leg=edge', 400, 'bad_query', /^leg: unknown parameter/],
  ])('refuses %s', async (_name, query, status, error, message) => {
    const response = await get(query);
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(error);
    expect(response.body.message).toMatch(message);
  });
});
