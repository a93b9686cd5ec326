// End to end through the whole server: three real legs to an echo app, two of them through real TCP proxies
// (edge → lb → app). Killing the middle proxy cuts the edge and lb legs while the app leg stays up, and the
// verdict naming lb arrives, on GET /api/drops and on the live stream. When it is due (a window after the
// drops) is checked on the pure clustering (`clusterDueAt` in shared); here the wait is only generous.
//
// Timings are short but not tight: heartbeats every 400 ms with a 1.2 s timeout, so a loaded machine's hiccup
// is not mistaken for a lost heartbeat, and a 2 s correlation window.
import { dropsResponseSchema, type Verdict } from '@hopwatch/shared/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LegConfig, TargetConfig } from '../config/types.js';
import { EchoApp } from '../lab/echo-app.js';
import { HopProxy } from '../lab/hop-proxy.js';
import { connectLive, type LiveTestClient, until } from '../routes/test-support/live-client.js';
import { buildTestApp, type TestApp } from '../routes/test-support/test-app.js';

const HEARTBEAT = { mode: 'ping' as const, intervalMs: 400, timeoutMs: 1_200, send: '', expect: '' };
const WINDOW_MS = 2_000;
/** Every leg up this long: the clean leg was up through the window before the first drop. */
const SETTLE_MS = WINDOW_MS + 500;
/** How long to wait for a verdict before failing: generous, since the machine is shared. */
const VERDICT_DEADLINE_MS = 30_000;

function leg(name: string, port: number, covers: string[]): LegConfig {
  return {
    name,
    url: `ws://127.0.0.1:${port}/ws`,
    enters: covers[0]!,
    covers: [...covers, `${name}:entry`],
    headers: {},
    subprotocols: [],
    origin: null,
    tls: { insecure: false, ca: null, servername: null },
    heartbeat: { ...HEARTBEAT },
    reconnect: { initialMs: 200, maxMs: 1_000 },
    open: [],
  };
}

let echo: EchoApp;
let lb: HopProxy;
let edge: HopProxy;
let server: TestApp;
let live: LiveTestClient | null = null;

beforeEach(async () => {
  echo = await EchoApp.start();
  lb = await HopProxy.start({ name: 'lb', upstreamPort: echo.port });
  edge = await HopProxy.start({ name: 'edge', upstreamPort: lb.port });
  const target: TargetConfig = {
    name: 'path',
    segments: ['last-mile', 'edge', 'lb', 'app'],
    correlationWindowMs: WINDOW_MS,
    legs: [
      leg('edge', edge.port, ['edge', 'lb', 'app']),
      leg('lb', lb.port, ['lb', 'app']),
      leg('app', echo.port, ['app']),
    ],
  };
  server = await buildTestApp({
    configure: (config) => {
      config.targets = [target];
    },
  });
});

afterEach(async () => {
  live?.close();
  live = null;
  await server.close();
  await edge.close();
  await lb.close();
  await echo.close();
});

describe('attribution end to end', () => {
  it('killing the middle proxy yields a verdict naming it, over the API and the live stream', async () => {
    const { app, runtime } = server;
    const verdicts: Verdict[] = [];
    runtime.bus.subscribe(({ event }) => {
      if (event.kind === 'verdict') verdicts.push(event.verdict);
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    live = await connectLive(`${address.replace('http', 'ws')}/api/live`);

    await until(() => {
      const legs = runtime.prober.status();
      return legs.length === 3 && legs.every((s) => s.state === 'up' && Date.now() - s.since >= SETTLE_MS);
    }, `all three legs up for ${SETTLE_MS} ms`);
    expect(verdicts).toEqual([]);

    const killedAt = Date.now();
    await lb.close();

    // First provisional, naming lb among its suspects; then final under the same id.
    await until(() => verdicts.length > 0, 'a verdict', VERDICT_DEADLINE_MS);
    expect(verdicts[0]).toMatchObject({ kind: 'cluster', final: false });
    expect(verdicts[0]!.suspects).toContain('lb');
    await until(() => verdicts.some((v) => v.final), 'the final verdict', VERDICT_DEADLINE_MS);
    const verdict = verdicts.find((v) => v.final);
    expect(verdict!.id).toBe(verdicts[0]!.id);
    expect(verdict).toMatchObject({
      kind: 'cluster',
      target: 'path',
      dropped: ['edge', 'lb'],
      clean: ['app'],
      unknown: [],
      suspects: ['lb'],
      confidence: 'high',
      summary: 'lb: edge and lb dropped together while app stayed up',
    });
    expect(verdict!.at).toBeGreaterThanOrEqual(killedAt);
    expect(verdict!.signatures.map((s) => s.id)).toContain('mass-drop');

    const response = await app.inject({ method: 'GET', url: '/api/drops?target=path' });
    expect(response.statusCode).toBe(200);
    const { drops } = dropsResponseSchema.parse(response.json());
    expect(drops[0]).toEqual(verdict);

    const isFinal = (m: LiveTestClient['messages'][number]) =>
      m.type === 'event' && m.event.kind === 'verdict' && m.event.verdict.final;
    await until(() => live!.messages.some(isFinal), 'the verdict on the live stream');
    const relayed = live.messages.find(isFinal);
    expect(relayed?.type === 'event' && relayed.event.kind === 'verdict' && relayed.event.verdict).toEqual(
      verdict,
    );
  });
});
