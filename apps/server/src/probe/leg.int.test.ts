// A leg against real loopback servers: the exact cause of every way a session can end.
import { describe, expect, it, vi } from 'vitest';
import { legConfig, probeSuite } from './test-support/harness.js';
import {
  closedPort,
  closeFrame,
  rawWebSocketServer,
  rejectingServer,
  silentServer,
  wsServer,
} from './test-support/servers.js';

const { servers, probe } = probeSuite();

describe('a leg against an echo server', () => {
  it('opens a session with handshake timings, measures RTT, and closes it with cause null on stop', async () => {
    const echo = servers.add(await wsServer());
    const h = probe({ url: echo.url });
    const open = await h.waitFor('session_open');
    expect(open).toMatchObject({ target: 'lab', leg: 'edge' });
    expect(open.sessionId).toMatch(/^lab\/edge\/1-[0-9a-f]{8}$/);
    expect(open.handshake).toMatchObject({
      dnsMs: null,
      tlsMs: null,
      alpn: null,
      remoteAddress: '127.0.0.1',
    });
    expect(open.handshake.tcpMs).toBeGreaterThanOrEqual(0);
    expect(open.handshake.upgradeMs).toBeGreaterThanOrEqual(0);
    await h.waitForCount('rtt', 3);
    const samples = h.of('rtt');
    expect(samples.map((s) => s.seq).slice(0, 3)).toEqual([1, 2, 3]);
    for (const sample of samples) {
      expect(sample).toMatchObject({ sessionId: open.sessionId, suspect: false });
      expect(sample.rttMs).toBeGreaterThan(0);
    }
    expect(h.of('leg_state').map((e) => e.state)).toEqual(['connecting', 'up']);
    expect(h.prober.status()).toEqual([
      expect.objectContaining({ leg: 'edge', state: 'up', sessionId: open.sessionId }),
    ]);

    await h.prober.stop();
    const [closed] = h.closes();
    expect(closed).toMatchObject({ id: open.sessionId, cause: null, suspect: false });
    expect(closed!.durationMs).toBeGreaterThan(0);
    // hopwatch ended the session: no drop, so no outage; a leg watched again starts connecting
    expect(h.of('leg_state').at(-1)).toMatchObject({ state: 'connecting', retryAt: null });
    // the far side saw a clean close, not a dropped connection
    await expect.poll(() => echo.connections[0]?.readyState).toBe(3);
    expect(h.logLines).toEqual([
      expect.objectContaining({
        msg: 'ws close',
        target: 'lab',
        leg: 'edge',
        cause: null,
        session: open.sessionId,
      }),
    ]);
  });

  it('times the DNS lookup of a host name', async () => {
    const echo = servers.add(await wsServer());
    const h = probe({ url: `ws://localhost:${echo.port}/ws` });
    const open = await h.waitFor('session_open');
    expect(open.handshake.dnsMs).toBeGreaterThanOrEqual(0);
    expect(open.handshake.tcpMs).toBeGreaterThanOrEqual(0);
    expect(open.handshake.remoteAddress).toBe('127.0.0.1');
  });

  it('reconnects after a drop, with a new session id', async () => {
    const echo = servers.add(await wsServer());
    const h = probe({ url: echo.url });
    const first = await h.waitFor('session_open');
    echo.connections[0]!.close(1001, 'going away');
    const second = await h.waitFor('session_open', (e) => e.sessionId !== first.sessionId);
    expect(second.sessionId).toMatch(/^lab\/edge\/2-/);
    const states = h.of('leg_state').map((e) => e.state);
    // the retry happens while the leg is down: it stays down, since the drop, until the session opens
    expect(states).toEqual(['connecting', 'up', 'down', 'down', 'up']);
    const down = h.of('leg_state')[2]!;
    expect(h.of('leg_state')[3]).toMatchObject({ state: 'down', since: down.since, retryAt: null });
    expect(down.retryAt).toBeGreaterThanOrEqual(down.ts);
    // reconnect.initial is 50 ms: the first retry waits at most that (full jitter)
    expect(down.retryAt! - down.ts).toBeLessThanOrEqual(50);
  });
});

describe('causes', () => {
  it.each([400, 403, 502])('an upgrade answered %d is handshake_rejected with the status', async (status) => {
    const server = servers.add(await rejectingServer(status));
    const h = probe({ url: server.url });
    const close = await h.waitFor('session_close');
    expect(close.session).toMatchObject({
      cause: 'handshake_rejected',
      httpStatus: status,
      closeCode: null,
      durationMs: 0,
      silenceMs: null,
    });
    expect(close.session.openedAt).toBe(close.session.closedAt);
    expect(close.session.handshake.upgradeMs).toBeGreaterThanOrEqual(0);
    // a failed attempt never opened: no session_open, and the leg goes down with a retry time
    expect(h.of('session_open')).toEqual([]);
    await h.waitFor('leg_state', (e) => e.state === 'down' && e.retryAt !== null);
    expect(h.logLines[0]).toMatchObject({ cause: 'handshake_rejected', http_status: status, dur_ms: 0 });
  });

  it('a refused TCP connection is connect_failed with the errno', async () => {
    const h = probe({ url: `ws://127.0.0.1:${await closedPort()}/ws` });
    const close = await h.waitFor('session_close');
    expect(close.session).toMatchObject({ cause: 'connect_failed', error: 'ECONNREFUSED', durationMs: 0 });
    expect(close.session.handshake.remoteAddress).toBeNull();
  });

  it('a DNS failure is connect_failed with the errno', async () => {
    const h = probe({ url: 'ws://hopwatch-test.invalid/ws' });
    const close = await h.waitFor('session_close');
    expect(close.session.cause).toBe('connect_failed');
    expect(close.session.error).toMatch(/^(ENOTFOUND|EAI_AGAIN)/);
  });

  it('a server that accepts TCP and never answers the upgrade is connect_failed after timeout', async () => {
    const silent = servers.add(await silentServer());
    const h = probe({ url: silent.url, heartbeat: { ...legConfig({ url: '' }).heartbeat, timeoutMs: 300 } });
    const close = await h.waitFor('session_close');
    expect(close.session).toMatchObject({ cause: 'connect_failed', durationMs: 0 });
    expect(close.session.error).toMatch(/^ETIMEDOUT: no HTTP response within 300 ms/);
    expect(close.session.handshake.tcpMs).toBeGreaterThanOrEqual(0);
  });

  /** The session of a leg whose server resets the connection 300 ms after the upgrade. */
  async function resetAfterUpgrade(heartbeatIntervalMs: number) {
    const server = servers.add(
      await rawWebSocketServer((socket) => setTimeout(() => socket.resetAndDestroy(), 300)),
    );
    const h = probe({
      url: server.url,
      heartbeat: { ...legConfig({ url: '' }).heartbeat, intervalMs: heartbeatIntervalMs },
    });
    return (await h.waitFor('session_close')).session;
  }

  it('a TCP reset after the upgrade is reset, with silenceMs', async () => {
    const session = await resetAfterUpgrade(5_000);
    expect(session).toMatchObject({
      cause: 'reset',
      closeCode: 1006,
      error: 'ECONNRESET',
      httpStatus: null,
    });
    expect(session.durationMs).toBeGreaterThan(0);
    expect(session.silenceMs).toBeGreaterThanOrEqual(0);
    expect(session.silenceMs).toBeLessThanOrEqual(session.durationMs!);
  });

  it('a session is never silent for longer than it lasted, however the clock moves between readings', async () => {
    // Every reading of the wall clock is at least a millisecond after the one before. The session's start and
    // the frame that opened it (the upgrade) were once two readings of one moment, so a session in which
    // nothing crossed after the upgrade came out silent a millisecond longer than it lasted.
    const realNow = Date.now.bind(Date);
    let last = 0;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => {
      last = Math.max(realNow(), last + 1);
      return last;
    });
    try {
      // a heartbeat a minute apart: almost never one inside the 300 ms the session lasts
      const session = await resetAfterUpgrade(60_000);
      expect(session.cause).toBe('reset');
      expect(session.silenceMs).toBeLessThanOrEqual(session.durationMs!);
    } finally {
      clock.mockRestore();
    }
  });

  it('a FIN without a close frame is abnormal_close 1006', async () => {
    const server = servers.add(await rawWebSocketServer((socket) => setTimeout(() => socket.end(), 300)));
    const h = probe({ url: server.url });
    const close = await h.waitFor('session_close');
    expect(close.session).toMatchObject({ cause: 'abnormal_close', closeCode: 1006, error: null });
  });

  it('a close frame 1012 with a reason is remote_close with both', async () => {
    const server = servers.add(
      await rawWebSocketServer((socket) =>
        setTimeout(() => {
          socket.write(closeFrame(1012, 'service restart'));
          socket.end();
        }, 300),
      ),
    );
    const h = probe({ url: server.url });
    const close = await h.waitFor('session_close');
    expect(close.session).toMatchObject({
      cause: 'remote_close',
      closeCode: 1012,
      closeReason: 'service restart',
    });
    expect(h.logLines[0]).toMatchObject({ msg: 'ws close', cause: 'remote_close', code: 1012 });
  });

  it('a server that freezes is heartbeat_timeout, every heartbeat lost', async () => {
    const heartbeat = { mode: 'ping' as const, intervalMs: 200, timeoutMs: 600, send: '', expect: '' };
    // stops reading and answering right after the upgrade, socket kept open: a blackhole
    const server = servers.add(await rawWebSocketServer((socket) => socket.pause()));
    const h = probe({ url: server.url, heartbeat });
    const close = await h.waitFor('session_close');
    expect(close.session).toMatchObject({ cause: 'heartbeat_timeout', closeCode: null });
    // never sooner than the timeout; that it comes within timeout + one interval is a matter of the clock, checked
    // on fake time in heartbeat.test.ts (on a loaded machine any real-time bound is a flake)
    expect(close.session.durationMs).toBeGreaterThanOrEqual(heartbeat.timeoutMs);
    const lost = h.of('rtt').filter((s) => s.rttMs === null);
    expect(lost.length).toBeGreaterThanOrEqual(2);
    expect(h.of('rtt').every((s) => s.rttMs === null)).toBe(true);
    // silence counts from the last frame either way, and the pings hopwatch kept sending (the heartbeat keeps
    // their time, not the leg) are frames: so it is shorter than the session, whose first ping left after it opened
    expect(close.session.silenceMs).toBeLessThan(close.session.durationMs!);
  });
});

describe('leg options', () => {
  it('sends headers (Host too), subprotocols and origin', async () => {
    const echo = servers.add(
      await wsServer({ handleProtocols: (offered) => (offered.has('v2') ? 'v2' : false) }),
    );
    const h = probe({
      url: echo.url,
      headers: { Host: 'app.example.test', 'X-Probe': 'hopwatch' },
      subprotocols: ['v2', 'v1'],
      origin: 'https://dash.example.test',
    });
    await h.waitFor('session_open');
    const request = echo.requests[0]!;
    expect(request.headers.host).toBe('app.example.test');
    expect(request.headers['x-probe']).toBe('hopwatch');
    expect(request.headers['sec-websocket-protocol']).toBe('v2,v1');
    expect(request.headers.origin).toBe('https://dash.example.test');
    // a probe keeps frames minimal: no compression negotiated
    expect(request.headers['sec-websocket-extensions']).toBeUndefined();
  });

  it('runs the open steps before heartbeats start', async () => {
    const received: string[] = [];
    const echo = servers.add(
      await wsServer({
        onConnection: (ws) =>
          ws.on('message', (data) => {
            const text = data.toString();
            received.push(text);
            if (text.startsWith('{"auth"')) ws.send('{"ok":true,"step":"auth"}');
            if (text.startsWith('{"subscribe"')) ws.send('{"ok":true,"step":"subscribed"}');
            if (text.startsWith('{"ping"')) ws.send(text.replace('ping', 'pong'));
          }),
      }),
    );
    const h = probe({
      url: echo.url,
      heartbeat: {
        mode: 'message',
        intervalMs: 200,
        timeoutMs: 1_000,
        send: '{"ping":{{seq}}}',
        expect: '"pong":{{seq}}',
      },
      open: [
        { send: '{"auth":"token-{{seq}}"}', expect: '"step":"auth"' },
        { send: '{"subscribe":"legs"}', expect: 'subscribed' },
      ],
    });
    await h.waitFor('session_open');
    await h.waitForCount('rtt', 2);
    expect(received.slice(0, 3)).toEqual(['{"auth":"token-1"}', '{"subscribe":"legs"}', '{"ping":1}']);
    expect(
      h
        .of('rtt')
        .slice(0, 2)
        .every((s) => s.rttMs !== null),
    ).toBe(true);
  });

  it('an open step without its reply within timeout is handshake_rejected naming the step', async () => {
    const echo = servers.add(
      await wsServer({
        onConnection: (ws) =>
          ws.on('message', (data) => data.toString().includes('auth') && ws.send('ok-auth')),
      }),
    );
    const h = probe({
      url: echo.url,
      heartbeat: { mode: 'ping', intervalMs: 200, timeoutMs: 300, send: '', expect: '' },
      open: [
        { send: 'auth', expect: 'ok-auth' },
        { send: 'subscribe', expect: 'ok-subscribe' },
      ],
    });
    const close = await h.waitFor('session_close');
    expect(close.session).toMatchObject({
      cause: 'handshake_rejected',
      httpStatus: null,
      durationMs: 0,
      error: 'open step 2 of 2: no reply matching expect within 300 ms',
    });
    expect(h.of('session_open')).toEqual([]);
  });

  it('an open step refused with a close frame is handshake_rejected with the code', async () => {
    const echo = servers.add(
      await wsServer({ onConnection: (ws) => ws.on('message', () => ws.close(4001, 'bad token')) }),
    );
    const h = probe({ url: echo.url, open: [{ send: 'auth', expect: 'ok' }] });
    const close = await h.waitFor('session_close');
    expect(close.session).toMatchObject({
      cause: 'handshake_rejected',
      closeCode: 4001,
      closeReason: 'bad token',
      error: 'open step 1 of 1: closed by the server',
    });
  });
});
