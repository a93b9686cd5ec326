import { sessionsResponseSchema } from '@hopwatch/shared/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  droppedSession,
  isoAt,
  MINUTE,
  startApiFixture,
  T0,
} from '../../test-support/api-fixture.js';

describe('GET /api/sessions', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApiFixture();
    f.publish([
      ...droppedSession('edge', 'e1', T0, 5 * MINUTE),
      ...droppedSession('edge', 'e2', T0 + 10 * MINUTE, 5 * MINUTE, 'heartbeat_timeout'),
      ...droppedSession('lb', 'l1', T0 + 20 * MINUTE, 5 * MINUTE),
    ]);
  });
  afterAll(async () => f.close());

  async function ids(query: string): Promise<string[]> {
    const response = await f.app.inject({ url: `/api/sessions?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return sessionsResponseSchema.parse(response.json()).sessions.map((s) => s.id);
  }

  const window = `from=${T0}&to=${T0 + 60 * MINUTE}`;

  it('returns sessions newest first, filtered by target, leg and time', async () => {
    expect(await ids(`target=t3&${window}`)).toEqual(['l1', 'e2', 'e1']);
    expect(await ids(`target=t3&leg=edge&${window}`)).toEqual(['e2', 'e1']);
    expect(await ids(`target=t3&from=${T0 + 12 * MINUTE}&to=${T0 + 60 * MINUTE}`)).toEqual(['l1', 'e2']);
  });

  it('accepts ISO 8601 times and honours limit', async () => {
    const to = isoAt(7 * MINUTE).replace('Z', '+00:00'); // e.g. 2024-05-01T12:07:00.000+00:00
    expect(await ids(`target=t3&from=${isoAt()}&to=${encodeURIComponent(to)}`)).toEqual(['e1']);
    expect(await ids(`target=t3&${window}&limit=2`)).toEqual(['l1', 'e2']);
  });

  it('carries the whole session shape of docs/spec.md#4-http-api', async () => {
    const response = await f.app.inject({ url: `/api/sessions?target=t3&leg=lb&${window}` });
    expect(response.json().sessions[0]).toEqual({
      id: 'l1',
      target: 't3',
      leg: 'lb',
      openedAt: T0 + 20 * MINUTE,
      closedAt: T0 + 25 * MINUTE,
      durationMs: 5 * MINUTE,
      silenceMs: 1_200,
      cause: 'reset',
      closeCode: null,
      closeReason: null,
      httpStatus: null,
      error: null,
      suspect: false,
      handshake: expect.objectContaining({ tcpMs: 1.5 }),
    });
  });

  it.each([
    ['limit=0', 400, 'bad_query', 'limit: must be an integer from 1 to 1000'],
    ['limit=1001', 400, 'bad_query', 'limit: must be an integer from 1 to 1000'],
    ['limit=-1', 400, 'bad_query', 'limit:'],
    ['from=yesterday', 400, 'bad_query', 'from: must be epoch milliseconds or an ISO 8601 time'],
    [`from=${T0 + 1}&to=${T0}`, 400, 'bad_query', 'to: must not be before from'],
    ['leg=edge', 400, 'bad_query', 'leg: needs target'],
    ['target=t3&target=t4', 400, 'bad_query', 'target: must be given once'],
    ['target=nope', 404, 'unknown_target', 'target "nope" is not configured; known targets: t3'],
    ['target=t3&leg=nope', 404, 'unknown_leg', 'target t3 has no leg "nope"; its legs: edge, lb'],
  ])('%s → %d %s', async (query, status, error, message) => {
    const response = await f.app.inject({ url: `/api/sessions?${query}` });
    expect(response.statusCode).toBe(status);
    expect(response.json().error).toBe(error);
    expect(response.json().message).toContain(message);
  });
});
