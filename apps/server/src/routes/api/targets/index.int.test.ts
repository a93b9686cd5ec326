import { targetsResponseSchema } from '@hopwatch/shared/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiFixture, droppedSession, startApiFixture } from '../../test-support/api-fixture.js';
import { until } from '../../test-support/live-client.js';

describe('GET /api/targets', () => {
  let f: ApiFixture;
  afterEach(async () => f.close());

  async function targets() {
    const response = await f.app.inject({ url: '/api/targets' });
    expect(response.statusCode).toBe(200);
    return targetsResponseSchema.parse(response.json()).targets;
  }

  it('lists targets with segments and legs, each with its state from the prober and live stats', async () => {
    f = await startApiFixture();
    await until(() => f.runtime.prober.status().every((s) => s.state === 'up'), 'both legs up');
    // A few answered heartbeats (200 ms interval) so the RTT percentiles have samples.
    await until(
      async () => (await f.runtime.store.rttSamples({ target: 't3', from: 0, to: Date.now() })).length >= 4,
      'RTT samples',
    );
    const [t3] = await targets();
    expect(t3).toMatchObject({
      name: 't3',
      segments: ['last-mile', 'edge', 'app'],
      correlationWindowMs: 6_000,
    });
    const edge = t3?.legs.find((l) => l.name === 'edge');
    expect(edge).toMatchObject({
      name: 'edge',
      enters: 'edge',
      covers: ['edge', 'app', 'edge:entry'],
      heartbeat: { mode: 'ping', intervalMs: 200, timeoutMs: 1_000 },
      state: 'up',
    });
    const status = f.runtime.prober.status().find((s) => s.leg === 'edge');
    expect(edge?.since).toBe(status?.since);
    expect(edge?.stats.uptimeRatio1h).toBeGreaterThan(0.5);
    expect(edge?.stats.drops1h).toBe(0);
    expect(edge?.stats.rttP50Ms).toBeGreaterThan(0);
    expect(edge?.stats.rttP99Ms).toBeGreaterThanOrEqual(edge?.stats.rttP50Ms ?? 0);
  });

  it('never returns the secrets in a leg URL', async () => {
    f = await startApiFixture();
    const response = await f.app.inject({ url: '/api/targets' });
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('s3cret');
    const lb = targetsResponseSchema.parse(response.json()).targets[0]?.legs.find((l) => l.name === 'lb');
    expect(lb?.url).toBe(`ws://***@127.0.0.1:${f.echo.port}/ws?token=***&region=eu`);
  });

  it('counts drops of the last hour and refuses query parameters', async () => {
    f = await startApiFixture();
    const now = Date.now();
    f.publish(droppedSession('lb', 'x1', now - 60_000, 30_000));
    f.publish(droppedSession('lb', 'x0', now - 2 * 3_600_000, 30_000)); // before the hour
    const lb = (await targets())[0]?.legs.find((l) => l.name === 'lb');
    expect(lb?.stats.drops1h).toBe(1);
    const bad = await f.app.inject({ url: '/api/targets?verbose=1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'bad_query', message: 'verbose: unknown parameter (expected none)' });
  });
});
