// The prober as a whole: config reloads, backoff, hopwatch's own stalls, and no leaks across 1,000 failures.
import { describe, expect, it, vi } from 'vitest';
import { legConfig, probeSuite, target } from './test-support/harness.js';
import { closedPort, rejectingServer, wsServer } from './test-support/servers.js';

const { servers, probe } = probeSuite();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // a synchronous stretch inside hopwatch's own process
  }
}

describe('apply (config reload)', () => {
  it('keeps unchanged legs, restarts changed ones, stops removed ones and starts new ones', async () => {
    const echo = servers.add(await wsServer());
    const leg = (name: string, intervalMs = 200) =>
      legConfig({ name, url: echo.url, heartbeat: { ...legConfig({ url: '' }).heartbeat, intervalMs } });
    const h = probe([leg('kept'), leg('changed'), leg('removed')]);
    await h.waitForCount('session_open', 3);
    const opened = new Map(h.of('session_open').map((e) => [e.leg, e.sessionId]));

    h.prober.apply([target([leg('kept'), leg('changed', 300), leg('added')])]);
    await h.waitFor('session_open', (e) => e.leg === 'added');
    await h.waitFor('session_open', (e) => e.leg === 'changed' && e.sessionId !== opened.get('changed'));
    await h.waitForCount('session_close', 2);

    const closes = h.closes();
    expect(closes.map((s) => [s.leg, s.cause]).sort()).toEqual([
      ['changed', null],
      ['removed', null],
    ]);
    expect(closes.find((s) => s.leg === 'changed')!.id).toBe(opened.get('changed'));
    expect(h.prober.status().map((s) => [s.leg, s.state])).toEqual([
      ['kept', 'up'],
      ['changed', 'up'],
      ['added', 'up'],
    ]);
    expect(h.prober.status()[0]!.sessionId).toBe(opened.get('kept'));
  });

  it("a leg started where the outage tracker left it: a down leg's reload does not move its since", async () => {
    const port = await closedPort();
    const outage = {
      since: 1_000,
      attempts: 4,
      firstCause: 'heartbeat_timeout' as const,
      lastCause: 'connect_failed' as const,
      lastError: 'ECONNREFUSED',
      lastHttpStatus: null,
    };
    const h = probe(
      { name: 'dead', url: `ws://127.0.0.1:${port}/ws` },
      { conditionOf: () => ({ state: 'down', since: 1_000, outage }) },
    );
    await h.waitForCount('session_close', 2);
    expect(h.of('leg_state').length).toBeGreaterThan(2);
    expect(h.of('leg_state').map((e) => [e.state, e.since])).toEqual(
      h.of('leg_state').map(() => ['down', 1_000]),
    );
    expect(h.prober.status()[0]).toMatchObject({ state: 'down', since: 1_000 });
  });

  it('stop() waits for legs still closing after a reload, and closes every session with cause null', async () => {
    const echo = servers.add(await wsServer());
    const h = probe([
      { name: 'a', url: echo.url },
      { name: 'b', url: echo.url },
    ]);
    await h.waitForCount('session_open', 2);
    h.prober.apply([target([legConfig({ name: 'a', url: echo.url })])]);
    await h.prober.stop();
    expect(
      h
        .closes()
        .map((s) => [s.leg, s.cause])
        .sort(),
    ).toEqual([
      ['a', null],
      ['b', null],
    ]);
    expect(h.prober.status()).toEqual([]);
  });
});

describe('many legs', () => {
  it('starts them in batches, so hopwatch never blocks its own loop, and stop() cancels the queued ones', async () => {
    const echo = servers.add(await wsServer());
    const legs = Array.from({ length: 250 }, (_, i) => ({ name: `leg-${i}`, url: echo.url }));
    const h = probe(legs);
    // the first batch started synchronously, the rest wait for later turns of the loop
    const connecting = h.of('leg_state').filter((e) => e.state === 'connecting').length;
    expect(connecting).toBeGreaterThan(0);
    expect(connecting).toBeLessThan(250);
    await h.prober.stop();
    // every leg that started announces its stop; the queued ones never started, so they say nothing
    const started = new Set(h.of('leg_state').map((e) => e.leg)).size;
    expect(started).toBe(connecting);

    const all = probe(legs);
    await all.waitForCount('session_open', 250);
    expect(new Set(all.of('session_open').map((e) => e.leg)).size).toBe(250);
  });
});

describe('reconnect backoff', () => {
  /** The first `count` delays the leg chose before reconnecting, with the jitter pinned to its ceiling. */
  async function retryDelays(url: string, count: number): Promise<number[]> {
    const h = probe({ url, reconnect: { initialMs: 20, maxMs: 100 } }, { random: () => 0.999 });
    const delays = () =>
      h
        .of('leg_state')
        .filter((e) => e.retryAt !== null)
        .map((e) => e.retryAt! - e.ts);
    await h.waitFor('leg_state', () => delays().length >= count);
    await h.prober.stop();
    return delays().slice(0, count);
  }

  it('resets after every session that outlived reconnect.max', async () => {
    // sessions cut at 150 ms, longer than max (100 ms): every retry starts from `initial` again
    const capped = servers.add(
      await wsServer({ onConnection: (ws) => setTimeout(() => ws.close(1000), 150) }),
    );
    expect(await retryDelays(capped.url, 3)).toEqual([19, 19, 19]);
  });

  it('doubles the ceiling after each failed attempt, up to max', async () => {
    const refusing = servers.add(await rejectingServer(503));
    expect(await retryDelays(refusing.url, 5)).toEqual([19, 39, 79, 99, 99]);
  });

  it('announces each retry exactly its delay after its own ts, however the clock moves between readings', async () => {
    // every other reading of the wall clock is a millisecond later: two readings for one event would disagree
    const realNow = Date.now.bind(Date);
    let readings = 0;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + (readings++ % 2));
    try {
      const refusing = servers.add(await rejectingServer(503));
      expect(await retryDelays(refusing.url, 3)).toEqual([19, 39, 79]);
    } finally {
      clock.mockRestore();
    }
  });
});

describe('self-stall', () => {
  it('publishes prober_stall and marks RTT samples and drops taken during it suspect', async () => {
    let pings = 0;
    // the server lives in this process: blocking inside its ping handler stalls hopwatch with a ping in flight
    const echo = servers.add(
      await wsServer({
        autoPong: false,
        onConnection: (ws) =>
          ws.on('ping', (payload) => {
            pings += 1;
            if (pings === 3) blockFor(400);
            if (pings === 6) {
              blockFor(400);
              ws.terminate();
              return;
            }
            ws.pong(payload);
          }),
      }),
    );
    const h = probe({ url: echo.url }, { stallThresholdMs: 150, stallResolutionMs: 10 });
    const close = await h.waitFor('session_close');
    expect(close.session.suspect).toBe(true);
    expect(close.session.cause).not.toBeNull();
    const stalls = h.of('prober_stall');
    expect(stalls.length).toBeGreaterThanOrEqual(1);
    expect(stalls[0]!.delayMs).toBeGreaterThan(150);
    const rtt = h.of('rtt');
    expect(rtt.find((s) => s.seq === 3)).toMatchObject({ suspect: true });
    expect(rtt.filter((s) => s.seq < 3).every((s) => !s.suspect)).toBe(true);
  });
});

describe('leaks', () => {
  it('fails to connect 1,000 times without leaking timers, sockets or listeners', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const resources = () => {
      const counts: Record<string, number> = {};
      for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
      return counts;
    };
    const before = resources();
    const url = `ws://127.0.0.1:${await closedPort()}/ws`;
    const h = probe({ url, reconnect: { initialMs: 1, maxMs: 2 } }, { logger: { info: () => {} } });
    await h.waitForCount('session_close', 100, 30_000);
    const early = resources();
    const earlyHeap = process.memoryUsage().heapUsed;
    await h.waitForCount('session_close', 1_000, 60_000);
    const late = resources();
    const lateHeap = process.memoryUsage().heapUsed;
    await h.prober.stop();
    // A closed socket or cleared timer leaves the active list a turn or more later: wait for the list to be
    // back where it started (a leak never gets there). Polled with a plain timer, which has fired, and so is
    // no longer active, whenever the list is read.
    const deadline = Date.now() + 10_000;
    let after = resources();
    while (
      ((after.Timeout ?? 0) > (before.Timeout ?? 0) ||
        (after.TCPSocketWrap ?? 0) > (before.TCPSocketWrap ?? 0)) &&
      Date.now() < deadline
    ) {
      await sleep(10);
      after = resources();
    }
    process.off('warning', onWarning);

    expect(h.closes().every((s) => s.cause === 'connect_failed' && s.error === 'ECONNREFUSED')).toBe(true);
    // one leg holds at most one timer and one socket at a time, whatever the number of attempts
    expect(late.Timeout ?? 0).toBeLessThanOrEqual((early.Timeout ?? 0) + 2);
    expect(late.TCPSocketWrap ?? 0).toBeLessThanOrEqual((early.TCPSocketWrap ?? 0) + 1);
    // stopped: nothing of the prober is left
    expect(after.Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
    expect(after.TCPSocketWrap ?? 0).toBeLessThanOrEqual(before.TCPSocketWrap ?? 0);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    // 900 attempts must not each leave their socket, request and WebSocket behind (~10s of KiB each)
    expect(lateHeap - earlyHeap).toBeLessThan(48 * 1024 * 1024);
  });
});
