// The prober in its worker thread, as the CLI runs it: the built worker script (the test task builds the
// server first) against real sockets. Its events reach the main thread's bus in order, its status is mirrored,
// reloads and stop behave as the in-process prober's do.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { legConfig, probeSuite, target } from './test-support/harness.js';
import { closedPort, wsServer } from './test-support/servers.js';

const workerUrl = new URL('../../dist/probe/prober-worker.js', import.meta.url);
if (!existsSync(fileURLToPath(workerUrl))) {
  throw new Error(
    `${fileURLToPath(workerUrl)} is missing: build the server first (npm run build -w hopwatch)`,
  );
}

const { servers, probe } = probeSuite();

describe('the prober thread', () => {
  it('relays every event in order and mirrors each leg status, lastReplyAt included', async () => {
    const echo = servers.add(await wsServer());
    const h = probe(
      [
        { name: 'a', url: echo.url },
        { name: 'b', url: echo.url },
      ],
      { workerUrl },
    );
    await h.waitFor('rtt', (e) => e.leg === 'a' && e.rttMs !== null);
    await h.waitFor('rtt', (e) => e.leg === 'b' && e.rttMs !== null);
    const opened = new Map(h.of('session_open').map((e) => [e.leg, e.sessionId]));
    const status = h.prober.status();
    expect(status.map((s) => [s.leg, s.state, s.sessionId])).toEqual([
      ['a', 'up', opened.get('a')],
      ['b', 'up', opened.get('b')],
    ]);
    // the mirror follows the samples themselves, not only the statuses the worker sends at state changes
    for (const s of status) {
      const answered = h.of('rtt').filter((e) => e.leg === s.leg && e.rttMs !== null);
      expect(s.lastReplyAt).toBeGreaterThanOrEqual(answered.at(-1)!.ts);
    }
    // per leg: connecting → session_open → up → heartbeats, in the order the worker published them
    const aKinds = h.events.filter((e) => 'leg' in e && e.leg === 'a').map((e) => e.kind);
    expect(aKinds.slice(0, 3)).toEqual(['leg_state', 'session_open', 'leg_state']);
    const rtt = h.of('rtt').find((e) => e.rttMs !== null)!;
    expect(rtt.lateMs).toBeGreaterThanOrEqual(0);
  });

  it('applies a reload and stops with every session closed by hopwatch (cause null), logged once', async () => {
    const echo = servers.add(await wsServer());
    const h = probe(
      [
        { name: 'kept', url: echo.url },
        { name: 'removed', url: echo.url },
      ],
      { workerUrl },
    );
    await h.waitForCount('session_open', 2);
    h.prober.apply([
      target([legConfig({ name: 'kept', url: echo.url }), legConfig({ name: 'added', url: echo.url })]),
    ]);
    await h.waitFor('session_open', (e) => e.leg === 'added');
    await h.waitFor('session_close', (e) => e.leg === 'removed');
    await h.until(
      () => h.prober.status().every((s) => s.state === 'up'),
      10_000,
      'every leg up after the reload',
    );
    expect(h.prober.status().map((s) => s.leg)).toEqual(['kept', 'added']);

    await h.prober.stop();
    expect(
      h
        .closes()
        .map((s) => [s.leg, s.cause])
        .sort(),
    ).toEqual([
      ['added', null],
      ['kept', null],
      ['removed', null],
    ]);
    expect(
      h.logLines
        .filter((line) => line.msg === 'ws close')
        .map((line) => line.leg)
        .sort(),
    ).toEqual(['added', 'kept', 'removed']);
    // as the in-process prober: a stopped prober runs no legs
    expect(h.prober.status()).toEqual([]);
  });

  it('starts a leg from the outage tracker’s condition: a down leg stays in its outage, since unmoved', async () => {
    const port = await closedPort();
    const since = Date.now() - 60_000;
    const outage = {
      since,
      attempts: 3,
      firstCause: 'reset' as const,
      lastCause: 'connect_failed' as const,
      lastError: 'ECONNREFUSED',
      lastHttpStatus: null,
    };
    const h = probe([{ name: 'down', url: `ws://127.0.0.1:${port}/ws` }], {
      workerUrl,
      conditionOf: (_target, leg) => (leg === 'down' ? { state: 'down', since, outage } : null),
    });
    expect(h.prober.status()).toMatchObject([{ leg: 'down', state: 'down', since }]);
    await h.waitForCount('session_close', 2);
    await h.waitForCount('leg_state', 3);
    expect(h.of('leg_state').every((e) => e.state === 'down' && e.since === since)).toBe(true);
    expect(h.prober.status()).toMatchObject([{ leg: 'down', state: 'down', since }]);
  });
});
