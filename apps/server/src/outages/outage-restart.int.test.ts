// Outages survive a restart on the same data directory: a leg that never connects (its port refuses) is in
// an outage with failed attempts; after a restart GET /api/outages still lists it, ended at the restart, and
// the leg, still refused, is in a new outage of its own.
import { outagesResponseSchema } from '@hopwatch/shared/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { legConfig, target } from '../probe/test-support/harness.js';
import { closedPort } from '../probe/test-support/servers.js';
import { until } from '../routes/test-support/live-client.js';
import { buildTestApp, type TestApp } from '../routes/test-support/test-app.js';

describe('outages across a restart', () => {
  const running: TestApp[] = [];
  afterEach(async () => {
    for (const app of running.splice(0)) await app.close();
  });

  async function start(port: number, dataDir?: string): Promise<TestApp> {
    const app = await buildTestApp({
      ...(dataDir === undefined ? {} : { dataDir }),
      configure: (config) => {
        config.targets = [
          target([
            legConfig({
              name: 'dead',
              url: `ws://127.0.0.1:${port}/ws`,
              reconnect: { initialMs: 20, maxMs: 50 },
            }),
          ]),
        ];
      },
    });
    running.push(app);
    return app;
  }

  async function outages(app: TestApp) {
    const response = await app.app.inject({ url: '/api/outages?target=lab&leg=dead' });
    expect(response.statusCode, response.body).toBe(200);
    return outagesResponseSchema.parse(response.json()).outages;
  }

  it('keeps the outage, ends it at the restart, and the still-dead leg begins a new one', async () => {
    const port = await closedPort();
    const first = await start(port);
    await until(async () => ((await outages(first))[0]?.attempts ?? 0) >= 3, 'an outage with 3 attempts');
    const [before] = await outages(first);
    expect(before).toMatchObject({ until: null, firstCause: 'connect_failed', lastError: 'ECONNREFUSED' });
    const targets = (await first.app.inject({ url: '/api/targets' })).json();
    expect(targets.targets[0].legs[0]).toMatchObject({ state: 'down', since: before!.since });
    await first.close({ removeData: false });
    running.splice(running.indexOf(first), 1);

    const restartedAt = Date.now();
    const second = await start(port, first.dataDir);
    await until(async () => (await outages(second)).length === 2, 'a new outage after the restart');
    const [now, old] = await outages(second);
    expect(old).toMatchObject({ since: before!.since, firstCause: 'connect_failed' });
    expect(old!.attempts).toBeGreaterThanOrEqual(before!.attempts);
    expect(old!.until).toBeGreaterThanOrEqual(restartedAt);
    expect(old!.durationMs).toBe(old!.until! - old!.since);
    expect(now).toMatchObject({ until: null, firstCause: 'connect_failed' });
    expect(now!.since).toBeGreaterThanOrEqual(old!.until!);
  });
});
