// The runtime with its SQLite store on a real data directory: a restart keeps history, closes the
// sessions the previous run left open without counting drops, and a dashboard resumes with `since`.
import { EMPTY_HANDSHAKE, type HopEvent } from '@hopwatch/shared/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { connectLive, type LiveTestClient, until } from '../routes/test-support/live-client.js';
import { buildTestApp, type TestApp } from '../routes/test-support/test-app.js';

const T0 = Date.now() - 60_000;
const opened: HopEvent = {
  kind: 'session_open',
  ts: T0,
  target: 'api',
  leg: 'edge',
  sessionId: 's1',
  handshake: EMPTY_HANDSHAKE,
};
const heartbeat = (ts: number, rttMs: number | null): HopEvent => ({
  kind: 'rtt',
  ts,
  target: 'api',
  leg: 'edge',
  sessionId: 's1',
  seq: ts - T0,
  rttMs,
  suspect: false,
});

describe('runtime storage across a restart', () => {
  const apps: TestApp[] = [];
  const clients: LiveTestClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const app of apps.splice(0)) await app.close();
  });

  it('keeps history, closes orphaned sessions at their last heartbeat, and resumes after since', async () => {
    const first = await buildTestApp();
    first.runtime.bus.publish(opened);
    first.runtime.bus.publish(heartbeat(T0 + 1_000, 12));
    first.runtime.bus.publish(heartbeat(T0 + 2_000, null));
    // A clean stop that did not close its session stands in for a crash: the session stays open on disk.
    await first.close({ removeData: false });

    const second = await buildTestApp({ dataDir: first.dataDir });
    apps.push(second);
    const { runtime } = second;
    expect(runtime.bus.lastSeq()).toBe(4);
    const [session] = await runtime.store.sessions({ target: 'api', limit: 10 });
    expect(session).toMatchObject({ id: 's1', closedAt: T0 + 1_000, durationMs: 1_000, cause: null });
    const log = await runtime.store.after(0, 10);
    expect(log.map((e) => [e.seq, e.event.kind])).toEqual([
      [1, 'session_open'],
      [2, 'rtt'],
      [3, 'rtt'],
      [4, 'session_close'],
    ]);
    expect(await runtime.store.rttSamples({ target: 'api', from: T0, to: T0 + 10_000 })).toHaveLength(2);

    await second.app.listen({ host: '127.0.0.1', port: 0 });
    const address = second.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const client = await connectLive(`ws://127.0.0.1:${port}/api/live?since=2`);
    clients.push(client);
    await until(() => runtime.hub.clientCount === 1, 'the dashboard to join');
    runtime.bus.publish(heartbeat(T0 + 3_000, 9));
    await until(() => client.eventSeqs().length === 3, 'replayed and live events');
    expect(client.messages[0]).toMatchObject({ type: 'hello', seq: 4 });
    expect(client.eventSeqs()).toEqual([3, 4, 5]);
  });
});
