import { eventsResponseSchema } from '@hopwatch/shared/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, rttSeries, startApiFixture } from '../../test-support/api-fixture.js';

describe('GET /api/events', () => {
  let f: ApiFixture;
  let firstSeq = 0;
  // Recent, not T0: rtt events older than an hour may be pruned from the event log at any moment.
  const from = Date.now() - 60_000;
  beforeAll(async () => {
    f = await startApiFixture();
    firstSeq = f.runtime.bus.lastSeq() + 1;
    f.publish(rttSeries('edge', 'syn', from, 10));
  });
  afterAll(async () => f.close());

  async function events(query: string) {
    const response = await f.app.inject({ url: `/api/events?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return eventsResponseSchema.parse(response.json());
  }

  it('returns stored events after since, oldest first, with the newest seq', async () => {
    const page = await events(`since=${firstSeq - 1}&limit=3`);
    expect(page.events.map((e) => e.seq)).toEqual([firstSeq, firstSeq + 1, firstSeq + 2]);
    expect(page.events[0]?.event).toMatchObject({ kind: 'rtt', target: 't3', leg: 'edge', ts: from });
    expect(page.lastSeq).toBeGreaterThanOrEqual(firstSeq + 9);
  });

  it('pages through the log from the start by default', async () => {
    const page = await events('limit=5000');
    const seqs = page.events.map((e) => e.seq);
    expect(seqs[0]).toBe(1);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs).toContain(firstSeq + 9);
  });

  it.each([
    ['limit=5001', 'limit: must be an integer from 1 to 5000'],
    ['limit=0', 'limit: must be an integer from 1 to 5000'],
    ['since=-1', 'since: must be a non-negative integer sequence number'],
    ['since=1.5', 'since: must be a non-negative integer sequence number'],
    ['since=abc', 'since: must be a non-negative integer sequence number'],
  ])('%s → 400 bad_query', async (query, message) => {
    const response = await f.app.inject({ url: `/api/events?${query}` });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'bad_query', message: expect.stringContaining(message) });
  });
});
