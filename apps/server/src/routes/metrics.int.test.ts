import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { applyReload } from '../reload.js';
import { type ApiFixture, droppedSession, startApiFixture, T0 } from './test-support/api-fixture.js';
import { connectLive, type LiveTestClient, until } from './test-support/live-client.js';
import { buildTestApp, type TestApp } from './test-support/test-app.js';

function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let f: ApiFixture;
  const clients: LiveTestClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await f.close();
  });

  async function scrape(): Promise<string> {
    const response = await f.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    return response.body;
  }

  it('reports the real legs, drops and live dashboards in the Prometheus text format', async () => {
    f = await startApiFixture();
    await until(() => f.runtime.prober.status().every((s) => s.state === 'up'), 'both legs up');
    await until(
      async () => (sample(await scrape(), 'hopwatch_rtt_seconds_count{target="t3",leg="edge"}') ?? 0) > 0,
      'an RTT sample',
    );
    f.publish(droppedSession('lb', 'x', T0, 100_000));
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (f.app.server.address() as AddressInfo).port;
    clients.push(await connectLive(`ws://127.0.0.1:${port}/api/live`));
    await until(() => f.runtime.hub.clientCount === 1, 'the dashboard');

    const text = await scrape();
    expect(sample(text, 'hopwatch_leg_up{target="t3",leg="edge"}')).toBe(1);
    expect(sample(text, 'hopwatch_leg_drops_total{target="t3",leg="lb",cause="reset"}')).toBe(1);
    expect(sample(text, 'hopwatch_session_duration_seconds_bucket{le="100",target="t3",leg="lb"}')).toBe(1);
    expect(sample(text, 'hopwatch_live_clients')).toBe(1);
    expect(text).toContain('# TYPE process_resident_memory_bytes gauge');
  });

  it('two apps in one process keep separate registries', async () => {
    f = await startApiFixture();
    const other: TestApp = await buildTestApp();
    try {
      f.publish(droppedSession('lb', 'x', T0, 1_000));
      const mine = await scrape();
      const theirs = (await other.app.inject({ url: '/metrics' })).body;
      expect(sample(mine, 'hopwatch_leg_drops_total{target="t3",leg="lb",cause="reset"}')).toBe(1);
      expect(sample(theirs, 'hopwatch_leg_drops_total{target="t3",leg="lb",cause="reset"}')).toBeNull();
    } finally {
      await other.close();
    }
  });

  it('drops every series of a leg a reload removes, so no alert fires for a leg that no longer exists', async () => {
    f = await startApiFixture();
    await until(() => f.runtime.prober.status().every((s) => s.state === 'up'), 'both legs up');
    f.publish(droppedSession('lb', 'x', T0, 100_000));
    await until(
      async () => (sample(await scrape(), 'hopwatch_rtt_seconds_count{target="t3",leg="lb"}') ?? 0) > 0,
      'an RTT sample on lb',
    );
    const [t3] = f.runtime.config.targets;
    if (t3 === undefined) throw new Error('the fixture has target t3');
    const silent = { info() {}, warn() {}, error() {} };
    const reloaded = {
      ...f.runtime.config,
      targets: [{ ...t3, legs: t3.legs.filter((l) => l.name === 'edge') }],
    };
    const outcome = applyReload(f.runtime, { ok: true, config: reloaded, warnings: [] }, silent);
    expect(outcome).toMatchObject({ applied: true, changes: ['leg t3/lb removed'] });

    // The retired leg may still publish while it closes; no scrape after the reload shows it again.
    await until(() => f.runtime.prober.status().every((s) => s.leg === 'edge'), 'lb retired');
    const text = await scrape();
    expect(text).not.toContain('leg="lb"');
    expect(sample(text, 'hopwatch_leg_up{target="t3",leg="edge"}')).toBe(1);
    expect(sample(text, 'hopwatch_leg_drops_total{target="t3",leg="edge",cause="reset"}')).toBe(0);
  });
});
