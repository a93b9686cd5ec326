// Heartbeat modes against real servers: RTT, lost heartbeats, and the watchdog.
import { describe, expect, it } from 'vitest';
import type { HeartbeatConfig } from '../config/types.js';
import { type ProbeHarness, probeSuite } from './test-support/harness.js';
import { wsServer } from './test-support/servers.js';

const { servers, probe: probeLegs } = probeSuite();

function probe(url: string, heartbeat: HeartbeatConfig): ProbeHarness {
  return probeLegs({ url, heartbeat });
}

describe('message mode', () => {
  it('measures RTT from send to the first message containing expect, templates filled per heartbeat', async () => {
    const received: string[] = [];
    const echo = servers.add(
      await wsServer({
        onConnection: (ws) =>
          ws.on('message', (data) => {
            received.push(data.toString());
            // an unrelated push first: it must not count as the reply
            ws.send('{"type":"update"}');
            ws.send(data.toString().replace('"ping"', '"pong"'));
          }),
      }),
    );
    const h = probe(echo.url, {
      mode: 'message',
      intervalMs: 150,
      timeoutMs: 1_000,
      send: '{"type":"ping","seq":{{seq}},"ts":{{ts}}}',
      expect: '"type":"pong","seq":{{seq}},',
    });
    await h.waitForCount('rtt', 3);
    expect(received[0]).toMatch(/^\{"type":"ping","seq":1,"ts":\d{13}\}$/);
    const samples = h.of('rtt').slice(0, 3);
    expect(samples.map((s) => s.seq)).toEqual([1, 2, 3]);
    expect(samples.every((s) => s.rttMs !== null && s.rttMs > 0)).toBe(true);
  });

  it('replies that never match expect are lost heartbeats, then heartbeat_timeout', async () => {
    const echo = servers.add(
      await wsServer({ onConnection: (ws) => ws.on('message', () => ws.send('{"type":"pong"}')) }),
    );
    const h = probe(echo.url, {
      mode: 'message',
      intervalMs: 150,
      timeoutMs: 500,
      send: '{"type":"ping","seq":{{seq}}}',
      expect: '"seq":{{seq}}',
    });
    const close = await h.waitFor('session_close');
    expect(close.session.cause).toBe('heartbeat_timeout');
    const samples = h.of('rtt');
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(samples.every((s) => s.rttMs === null)).toBe(true);
    // each heartbeat is counted lost once
    expect(new Set(samples.map((s) => s.seq)).size).toBe(samples.length);
  });
});

describe('ping mode', () => {
  it('counts a heartbeat with no pong before the next was due as lost while the session survives', async () => {
    // answers only even pings: odd ones are lost, yet a pong arrives well within the timeout
    const echo = servers.add(
      await wsServer({
        autoPong: false,
        onConnection: (ws) =>
          ws.on('ping', (payload) => {
            if (Number(payload.toString()) % 2 === 0) ws.pong(payload);
          }),
      }),
    );
    const h = probe(echo.url, { mode: 'ping', intervalMs: 100, timeoutMs: 1_000, send: '', expect: '' });
    await h.waitFor('rtt', (s) => s.seq >= 6);
    const bySeq = new Map(h.of('rtt').map((s) => [s.seq, s.rttMs]));
    for (const seq of [1, 3, 5]) expect(bySeq.get(seq)).toBeNull();
    for (const seq of [2, 4]) expect(bySeq.get(seq)).toBeGreaterThan(0);
    expect(h.of('session_close')).toEqual([]);
    expect(h.prober.status()[0]).toMatchObject({ state: 'up' });
    expect(h.prober.status()[0]!.lastReplyAt).toBeGreaterThan(0);
  });
});

describe('ping mode with a server that does not echo the ping payload', () => {
  it('takes an empty pong as the answer to the oldest heartbeat', async () => {
    const echo = servers.add(
      await wsServer({ autoPong: false, onConnection: (ws) => ws.on('ping', () => ws.pong()) }),
    );
    const h = probe(echo.url, { mode: 'ping', intervalMs: 100, timeoutMs: 1_000, send: '', expect: '' });
    await h.waitForCount('rtt', 3);
    expect(
      h
        .of('rtt')
        .slice(0, 3)
        .every((s) => s.rttMs !== null),
    ).toBe(true);
  });
});

describe('listen mode', () => {
  it('stays up on pushed messages alone, still pings, and times out on silence', async () => {
    let pushing: NodeJS.Timeout | null = null;
    let lastPushAt = 0;
    const pingedAt: number[] = [];
    const pusher = servers.add(
      await wsServer({
        // a server that pushes and never answers anything, not even pings
        autoPong: false,
        onConnection: (ws) => {
          ws.on('ping', () => pingedAt.push(Date.now()));
          pushing = setInterval(() => {
            lastPushAt = Date.now();
            ws.send('{"type":"tick"}');
          }, 80);
          const timer = pushing;
          ws.on('close', () => clearInterval(timer));
        },
      }),
    );
    const heartbeat: HeartbeatConfig = {
      mode: 'listen',
      intervalMs: 150,
      timeoutMs: 400,
      send: '',
      expect: '',
    };
    const h = probe(pusher.url, heartbeat);
    await h.waitFor('session_open');
    // Alive on pushes alone well past its timeout: wait for a ping that left two timeouts after the open.
    const pastTimeouts = Date.now() + 2 * heartbeat.timeoutMs;
    await expect.poll(() => pingedAt.some((at) => at >= pastTimeouts), { timeout: 15_000 }).toBe(true);
    expect(h.of('session_close')).toEqual([]);
    expect(h.of('session_open')).toHaveLength(1);
    // proof of life without a pong is not a lost heartbeat
    expect(h.of('rtt').filter((s) => s.rttMs === null)).toEqual([]);

    if (pushing) clearInterval(pushing);
    const close = await h.waitFor('session_close');
    expect(close.session.cause).toBe('heartbeat_timeout');
    // the last push arrived no earlier than it was sent: the watchdog waited a whole timeout after it
    expect(close.session.closedAt! - lastPushAt).toBeGreaterThanOrEqual(heartbeat.timeoutMs);
    expect(close.session.silenceMs).toBeGreaterThanOrEqual(0);
  });
});
