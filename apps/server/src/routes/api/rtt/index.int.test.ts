import { RTT_MAX_POINTS, rttResponseSchema } from '@hopwatch/shared/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, MINUTE, rttSeries, startApiFixture, T0 } from '../../test-support/api-fixture.js';

const DAY = 86_400_000;

describe('GET /api/rtt', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApiFixture();
    f.publish(rttSeries('edge', 'e1', T0, 600)); // 10 minutes at 1 s, every 10th heartbeat lost
  });
  afterAll(async () => f.close());

  async function series(query: string) {
    const response = await f.app.inject({ url: `/api/rtt?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return rttResponseSchema.parse(response.json());
  }

  it('downsamples one leg over a range, counting answered and lost heartbeats', async () => {
    const { step, points } = await series(`target=t3&leg=edge&from=${T0}&to=${T0 + 10 * MINUTE}&step=1m`);
    expect(step).toBe(MINUTE);
    expect(points).toHaveLength(10);
    expect(points[0]).toMatchObject({ t: T0, n: 54, lost: 6, min: 1, max: 5 });
  });

  it('takes the step as a duration or as milliseconds', async () => {
    // Live samples: the leg's own heartbeats of the last minute.
    const now = Date.now();
    const range = `target=t3&leg=edge&from=${now - MINUTE}&to=${now}`;
    expect((await series(`${range}&step=2s`)).step).toBe(2_000);
    expect((await series(`${range}&step=2000`)).step).toBe(2_000);
  });

  it.each([
    ['a day at the finest step', `from=${T0}&to=${T0 + DAY}&step=1`],
    ['a year with no step', `from=${T0 - 365 * DAY}&to=${T0}`],
    ['400 days', `from=${T0 - 400 * DAY}&to=${T0}`],
  ])('never returns more than 2,000 points: %s', async (_name, range) => {
    const { step, points } = await series(`target=t3&leg=edge&${range}`);
    expect(points.length).toBeLessThanOrEqual(RTT_MAX_POINTS);
    expect(step).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['', 400, 'bad_query', 'target: is required'],
    ['target=t3', 400, 'bad_query', 'leg: is required'],
    ['target=t3&leg=nope', 404, 'unknown_leg', 'its legs: edge, lb'],
    ['target=x&leg=edge', 404, 'unknown_target', 'known targets: t3'],
    [`target=t3&leg=edge&from=${T0}&to=${T0 - 1}`, 400, 'bad_query', 'to: must not be before from'],
    [`target=t3&leg=edge&from=0&to=${T0}`, 400, 'bad_query', 'at most 400 days'],
    ['target=t3&leg=edge&step=0', 400, 'bad_query', 'step: must be at least 1 ms'],
    ['target=t3&leg=edge&step=soon', 400, 'bad_query', 'step: must be a duration'],
    ['target=t3&leg=edge&to=2024-02-30', 400, 'bad_query', 'to: is not a valid calendar time'],
  ])('%j → %d %s', async (query, status, error, message) => {
    const response = await f.app.inject({ url: `/api/rtt?${query}` });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toEqual({ error, message: expect.stringContaining(message) });
  });
});
