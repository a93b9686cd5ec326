import { type Outage, outagesResponseSchema } from '@hopwatch/shared/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, MINUTE, startApiFixture, T0 } from '../../test-support/api-fixture.js';

function outage(leg: string, since: number, until: number | null, attempts: number): Outage {
  return {
    target: 't3',
    leg,
    since,
    until,
    durationMs: until === null ? null : until - since,
    firstCause: 'heartbeat_timeout',
    lastCause: attempts > 0 ? 'handshake_rejected' : 'heartbeat_timeout',
    attempts,
    lastError: null,
    lastHttpStatus: attempts > 0 ? 403 : null,
  };
}

describe('GET /api/outages', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApiFixture();
    const history = [
      outage('edge', T0, T0 + MINUTE, 6),
      outage('lb', T0 + 10 * MINUTE, T0 + 11 * MINUTE, 0),
      outage('edge', T0 + 20 * MINUTE, null, 2),
    ];
    f.publish(
      history.map((o) => ({ kind: 'outage', ts: o.until ?? o.since, target: 't3', leg: o.leg, outage: o })),
    );
  });
  afterAll(async () => f.close());

  async function get(query: string) {
    const response = await f.app.inject({ url: `/api/outages?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return outagesResponseSchema.parse(response.json()).outages;
  }

  const window = `from=${T0}&to=${T0 + 60 * MINUTE}`;

  it('lists outages newest first with their attempts, until null while open', async () => {
    expect(await get(`target=t3&${window}`)).toEqual([
      outage('edge', T0 + 20 * MINUTE, null, 2),
      outage('lb', T0 + 10 * MINUTE, T0 + 11 * MINUTE, 0),
      outage('edge', T0, T0 + MINUTE, 6),
    ]);
  });

  it('filters by leg and time, and honours limit', async () => {
    const since = (outages: Outage[]) => outages.map((o) => `${o.leg}@${(o.since - T0) / MINUTE}`);
    expect(since(await get(`target=t3&leg=edge&${window}`))).toEqual(['edge@20', 'edge@0']);
    expect(since(await get(`target=t3&from=${T0 + 5 * MINUTE}&to=${T0 + 15 * MINUTE}`))).toEqual(['lb@10']);
    expect(since(await get(`target=t3&${window}&limit=1`))).toEqual(['edge@20']);
  });

  it.each([
    ['leg=edge', 400, 'bad_query'],
    ['target=nope', 404, 'unknown_target'],
    ['target=t3&leg=nope', 404, 'unknown_leg'],
    [`target=t3&from=${T0 + MINUTE}&to=${T0}`, 400, 'bad_query'],
    ['limit=0', 400, 'bad_query'],
  ])('refuses %s with a clear error', async (query, status, error) => {
    const response = await f.app.inject({ url: `/api/outages?${query}` });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ error, message: expect.any(String) });
  });
});
