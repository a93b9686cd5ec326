// Evidence beside the drops: a real Prometheus scrapes an exporter whose "app I/O pressure" the spec raises,
// then every connection of a small WebSocket service is cut. The dashboard shows the evidence rows under the
// legs (threshold drawn, time above it shaded, a refused query's error in place), and the verdict card names
// the pressure that lined up with the drops.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ARTIFACTS_DIR, HopwatchServer } from './support/hopwatch-server.js';
import { type Exporter, type Prometheus, startExporter, startPrometheus } from './support/prometheus.js';
import { type PushServer, startPushServer } from './support/push-server.js';

let exporter: Exporter;
let prometheus: Prometheus;
let service: PushServer;
let server: HopwatchServer;

test.beforeEach(async () => {
  exporter = await startExporter();
  exporter.set('node_pressure_io_ratio', 0.05);
  exporter.set('traefik_open_connections', 40);
  prometheus = await startPrometheus(exporter.address);
  service = await startPushServer();
  const url = `ws://127.0.0.1:${service.port}`;
  server = await HopwatchServer.start({
    config: `
prometheus: { url: "${prometheus.url}", timeout: 2s }
targets:
  - name: shop
    segments: [last-mile, traefik, app]
    correlationWindow: 3s
    heartbeat: { mode: listen, interval: 500ms, timeout: 2s }
    legs:
      - { name: outer, url: "${url}/outer", enters: traefik, reconnect: { initial: 500ms, max: 1s } }
      - { name: inner, url: "${url}/inner", enters: app, reconnect: { initial: 500ms, max: 1s } }
    evidence:
      - name: app-io-pressure
        segment: app
        query: max(node_pressure_io_ratio)
        above: 0.2
      - name: traefik-open-connections
        segment: traefik
        query: sum(traefik_open_connections)
        above: 500
      - name: tunnel-restarts
        segment: traefik
        query: increase(cloudflared_restarts_total[5m]
        above: 0
`,
  });
});

// biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixtures
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach('server.log', { body: server.log() });
  }
  await server?.dispose();
  await service?.close();
  await prometheus?.dispose();
  await exporter?.close();
});

test('evidence rows sit under the legs, and the verdict names the pressure that lined up', async ({
  page,
}) => {
  const startedAt = Date.now();
  // Quiet first, so the chart shows the series below its threshold before the pressure.
  await prometheus.waitFor('max(node_pressure_io_ratio)', 0.05);
  await expect
    .poll(
      async () => {
        const { targets } = (await (await fetch(`${server.url}/api/targets`)).json()) as {
          targets: { name: string; legs: { state: string; since: number }[] }[];
        };
        const legs = targets.find((t) => t.name === 'shop')?.legs ?? [];
        return legs.length === 2 && legs.every((leg) => leg.state === 'up' && Date.now() - leg.since > 4_000);
      },
      { timeout: 60_000, intervals: [500] },
    )
    .toBe(true);

  exporter.set('node_pressure_io_ratio', 0.8);
  await prometheus.waitFor('max(node_pressure_io_ratio)', 0.8);
  // Let the pressure last a few scrapes, so its shaded stretch is wide enough to see.
  await prometheus.waitFor('min_over_time(node_pressure_io_ratio[4s])', 0.8);
  service.cutAll();

  await page.goto(`${server.url}/?target=shop&range=15m`);
  // Both legs cross app: the verdict names it at once, then, re-published over the live stream when
  // Prometheus has answered, the pressure there.
  const verdict = page.locator('[data-testid="verdict"][data-suspects~="app"]').first();
  await expect(verdict).toBeVisible({ timeout: 30_000 });
  const evidence = verdict.getByTestId('verdict-evidence');
  await expect(evidence).toContainText('app-io-pressure on app was 0.8 (above 0.2)');
  await expect(verdict.locator('.verdict-summary')).toContainText(' — app-io-pressure on app was 0.8');

  // The stretch around the drops, as a shared link would show it: wide enough to see the pressure rise.
  const from = new Date(startedAt - 20_000).toISOString();
  const to = new Date(Date.now() + 5_000).toISOString();
  await page.goto(`${server.url}/?target=shop&from=${from}&to=${to}`);
  await expect(
    page.locator('[data-testid="verdict"][data-suspects~="app"]').getByTestId('verdict-evidence'),
  ).toBeVisible();
  const rows = page.getByTestId('evidence-row');
  await expect(rows).toHaveCount(3);

  const io = page.locator('[data-testid="evidence-row"][data-evidence="app-io-pressure"]');
  await expect(io).toContainText('on app');
  await expect(io.getByTestId('evidence-threshold')).toHaveCount(1);
  await expect(io.getByTestId('evidence-above').first()).toBeVisible();
  await expect(io).toHaveAttribute('data-above', 'true');

  const connections = page.locator('[data-testid="evidence-row"][data-evidence="traefik-open-connections"]');
  await expect(connections.getByTestId('evidence-threshold')).toHaveCount(1);
  await expect(connections).toHaveAttribute('data-above', 'false');

  const restarts = page.locator('[data-testid="evidence-row"][data-evidence="tunnel-restarts"]');
  await expect(restarts.getByTestId('evidence-error')).toContainText('refused the query');

  await page.screenshot({ path: join(ARTIFACTS_DIR, 'evidence.png'), fullPage: true });
});
