// A restart on the same data directory keeps the history: the API serves it, and a dashboard that
// reconnects with `since` gets every event it missed, whichever process published it.
import type { AddressInfo } from 'node:net';
import { eventsResponseSchema, rttResponseSchema } from '@hopwatch/shared/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  droppedSession,
  rttSeries,
  startApiFixture,
  T0,
} from '../routes/test-support/api-fixture.js';
import { connectLive, type LiveTestClient, until } from '../routes/test-support/live-client.js';

describe('restart on the same data directory', () => {
  const running: ApiFixture[] = [];
  const clients: LiveTestClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const f of running.splice(0)) await f.close();
  });

  async function start(dataDir?: string): Promise<ApiFixture> {
    const f = await startApiFixture(dataDir === undefined ? {} : { dataDir });
    running.push(f);
    return f;
  }

  it('keeps history, keeps seq monotonic, and resumes /api/events and live since across it', async () => {
    const first = await start();
    const before = first.runtime.bus.lastSeq();
    first.publish([...droppedSession('edge', 'gone-1', T0, 60_000), ...rttSeries('edge', 'gone-1', T0, 5)]);
    const published = (await first.runtime.store.after(before, 100)).filter(
      (e) => e.event.target === 't3' && e.event.ts < T0 + 3_600_000,
    );
    expect(published).toHaveLength(7);
    // The event log keeps rtt events for an hour only (store/retention.ts): these, a day old, may be pruned by
    // the new process; their history is served by /api/rtt instead (checked below).
    const history = published.filter((e) => e.event.kind !== 'rtt');
    expect(history).toHaveLength(2);
    const lastBeforeRestart = first.runtime.bus.lastSeq();
    await first.close({ removeData: false });
    running.splice(running.indexOf(first), 1);

    const second = await start(first.dataDir);
    expect(second.runtime.bus.lastSeq()).toBeGreaterThanOrEqual(lastBeforeRestart);
    const response = await second.app.inject({ url: `/api/events?since=${before}&limit=5000` });
    const events = eventsResponseSchema.parse(response.json()).events;
    for (const stored of history) expect(events).toContainEqual(stored);
    const rtt = await second.app.inject({ url: `/api/rtt?target=t3&leg=edge&from=${T0}&to=${T0 + 60_000}` });
    const heartbeats = rttResponseSchema.parse(rtt.json()).points.reduce((sum, p) => sum + p.n + p.lost, 0);
    expect(heartbeats).toBe(5);

    const sessions = await second.app.inject({
      url: `/api/sessions?target=t3&leg=edge&from=${T0}&to=${T0 + 60_000}`,
    });
    expect(sessions.json().sessions.map((s: { id: string }) => s.id)).toEqual(['gone-1']);

    // A dashboard that saw everything up to `before` reconnects to the new process.
    await second.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (second.app.server.address() as AddressInfo).port;
    const client = await connectLive(`ws://127.0.0.1:${port}/api/live?since=${before}`);
    clients.push(client);
    const wanted = history.map((e) => e.seq);
    await until(
      () => wanted.every((seq) => client.eventSeqs().includes(seq)),
      'the replay of the old events',
    );
    const seqs = client.eventSeqs();
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b)); // in order, no duplicates

    // New events continue the old sequence.
    const fresh = second.runtime.bus.publish(rttSeries('lb', 'new-1', T0 + 120_000, 1)[0]!);
    expect(fresh.seq).toBeGreaterThan(lastBeforeRestart);
    await until(() => client.eventSeqs().includes(fresh.seq), 'the new live event');
  });
});
