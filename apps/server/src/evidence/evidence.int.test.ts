// End to end with a real Prometheus: it scrapes a tiny exporter every second whose gauges the test raises
// while it freezes a hop of a real lab, watched by the real runtime (prober, judge, store, evidence). The
// verdict published for the drops is re-published with the evidence that lined up; one on a hop a clean
// leg crosses is ruled out in words. Then Prometheus is stopped: the series report their error, and
// verdicts still come.
import type { EvidenceResponse, LabHop, Verdict } from '@hopwatch/shared/protocol';
import { afterAll, beforeAll, describe, type ExpectStatic, it } from 'vitest';
import type { TargetConfig } from '../config/types.js';
import { type Lab, startLab } from '../lab/lab.js';
import { buildTestApp, type TestApp } from '../routes/test-support/test-app.js';
import {
  startExporter,
  startPrometheus,
  type TestExporter,
  type TestPrometheus,
} from './test-support/prometheus.js';

const TARGET = 'evlab';
const HEARTBEAT = { intervalMs: 400, timeoutMs: 1_200 };
const WINDOW_MS = 2_000;
const RECONNECT = { initialMs: 100, maxMs: 400 };
/** Clean legs must be up through the window before the first drop. */
const SETTLE_MS = WINDOW_MS + 500;
const STALL_MS = 2_500;
const APP_GAUGE = 'evidence_test_app_pressure';
const EDGE_GAUGE = 'evidence_test_edge_pressure';

let prometheus: TestPrometheus;
let exporter: TestExporter;
let lab: Lab;
let t: TestApp;
/** the latest publication of every verdict of the target, by id */
const verdicts = new Map<string, Verdict>();
/** every publication of every verdict of the target, by id, oldest first */
const publications = new Map<string, Verdict[]>();

beforeAll(async () => {
  exporter = await startExporter();
  exporter.set(APP_GAUGE, 0);
  exporter.set(EDGE_GAUGE, 0);
  prometheus = await startPrometheus({ scrape: [exporter.address] });
  lab = await startLab(
    { enabled: true, schedule: [], heartbeat: HEARTBEAT },
    { reconnect: RECONNECT, correlationWindowMs: WINDOW_MS, stateEveryMs: 1_000 },
  );
  const target: TargetConfig = {
    ...lab.target,
    name: TARGET,
    evidence: [
      { name: 'app-pressure', segment: 'app', query: APP_GAUGE, above: 0.5 },
      { name: 'edge-pressure', segment: 'edge', query: `max(${EDGE_GAUGE})`, above: 0.5 },
      // Prometheus refuses this one: its error is the series', the others still come.
      { name: 'broken', segment: 'lb', query: `rate(${APP_GAUGE}[1m]`, above: 1 },
    ],
  };
  t = await buildTestApp({
    configure(config) {
      config.prometheus = { url: prometheus.url, headers: { 'X-Scope-OrgID': 'test' }, timeoutMs: 2_000 };
      config.targets = [target];
    },
  });
  t.runtime.bus.subscribe(({ event }) => {
    if (event.kind !== 'verdict' || event.target !== TARGET) return;
    verdicts.set(event.verdict.id, event.verdict);
    publications.set(event.verdict.id, [...(publications.get(event.verdict.id) ?? []), event.verdict]);
  });
}, 90_000);

afterAll(async () => {
  await t?.close();
  await lab?.close();
  await prometheus?.dispose();
  await exporter?.close();
});

async function upFor(expect: ExpectStatic, ms: number): Promise<void> {
  await expect
    .poll(
      () => t.runtime.prober.status().every((leg) => leg.state === 'up' && Date.now() - leg.since >= ms),
      {
        timeout: 30_000,
        interval: 100,
      },
    )
    .toBe(true);
}

/** Resolves once Prometheus has scraped `value` for the gauge. */
async function scraped(expect: ExpectStatic, gauge: string, value: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const response = await fetch(`${prometheus.url}/api/v1/query?query=${gauge}`);
        const answer = (await response.json()) as { data?: { result?: { value?: [number, string] }[] } };
        return Number(answer.data?.result?.[0]?.value?.[1]);
      },
      { timeout: 30_000, interval: 250 },
    )
    .toBe(value);
}

async function evidence(from: number, to: number): Promise<EvidenceResponse> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/evidence?target=${TARGET}&from=${from}&to=${to}`,
  });
  if (response.statusCode !== 200)
    throw new Error(`GET /api/evidence: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Freezes a hop and returns the newest verdict, published after the fault, that `accept` takes. */
async function stallAndJudge(
  expect: ExpectStatic,
  hop: LabHop,
  accept: (verdict: Verdict) => boolean,
): Promise<Verdict> {
  await upFor(expect, SETTLE_MS);
  const injectedAt = Date.now();
  lab.inject({ hop, kind: 'stall', durationMs: STALL_MS });
  let found: Verdict | undefined;
  await expect
    .poll(
      () => {
        found = [...verdicts.values()].find(
          (v) => v.final && v.at >= injectedAt && v.suspects.includes(hop) && accept(v),
        );
        return found !== undefined;
      },
      { timeout: 60_000, interval: 200 },
    )
    .toBe(true);
  return found as Verdict;
}

describe.sequential('evidence from a real Prometheus', () => {
  it('serves the series, caches them, and reports a refused query as that series error', async ({
    expect,
  }) => {
    exporter.set(EDGE_GAUGE, 0.25);
    await scraped(expect, EDGE_GAUGE, 0.25);
    // A range query's window is snapped to its step, so the newest scrape shows up in a window ending a step
    // after it: wait for a window that holds it (each poll asks a new window, past the 10 s answer cache).
    let to = 0;
    await expect
      .poll(
        async () => {
          to = Date.now();
          const series = (await evidence(to - 60_000, to)).series.find((s) => s.name === 'edge-pressure');
          return series?.points.some((p) => p.v === 0.25) ?? false;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    // the window of the last poll but a minute and a second long: one no poll asked, so the cache is cold
    const from = to - 61_000;
    const before = t.runtime.evidence.queries;
    const answers = await Promise.all(Array.from({ length: 50 }, () => evidence(from, to)));
    // 50 dashboards on one window: one query per series, not fifty.
    expect(t.runtime.evidence.queries - before).toBe(3);
    const [answer] = answers;
    const byName = new Map(answer?.series.map((s) => [s.name, s]));
    expect(byName.get('edge-pressure')).toMatchObject({ segment: 'edge', above: 0.5, error: null });
    expect(byName.get('edge-pressure')?.points.some((p) => p.v === 0.25)).toBe(true);
    expect(byName.get('edge-pressure')?.points.length).toBeLessThanOrEqual(2_000);
    expect(byName.get('broken')?.points).toEqual([]);
    expect(byName.get('broken')?.error).toMatch(/refused the query \(HTTP 400, bad_data\)/);
  });

  it('names the evidence in the verdict of a frozen app hop', { timeout: 120_000 }, async ({ expect }) => {
    exporter.set(APP_GAUGE, 0.8);
    await scraped(expect, APP_GAUGE, 0.8);
    const verdict = await stallAndJudge(expect, 'app', (v) => v.evidence.length > 0);
    const item = verdict.evidence.find((e) => e.name === 'app-pressure');
    expect(item, verdict.summary).toMatchObject({
      segment: 'app',
      peak: 0.8,
      above: 0.5,
      bearing: 'supports',
    });
    expect(verdict.summary).toMatch(
      /^app: .* — app-pressure on app was 0\.8 \(above 0\.5\) from .* before the drops/,
    );
    // edge stayed at 0.25: below its threshold, so not evidence.
    expect(verdict.evidence.map((e) => e.name)).not.toContain('edge-pressure');
    expect(verdict.confidence).toBe('high');
    // Never delayed: the final verdict went out from the probe data first, then again with its evidence.
    // (Provisional publications of the same id came before it, judged on the drops seen by then.)
    const first = publications.get(verdict.id)?.find((v) => v.final);
    expect(first?.evidence).toEqual([]);
    expect(first?.summary).not.toContain('app-pressure');
    expect(first?.suspects).toEqual(verdict.suspects);
    // The store holds the verdict with its evidence, as GET /api/drops serves it.
    const drops = await t.app.inject({ method: 'GET', url: `/api/drops?target=${TARGET}` });
    const stored = (drops.json() as { drops: Verdict[] }).drops.find((v) => v.id === verdict.id);
    expect(stored?.evidence.map((e) => e.name)).toContain('app-pressure');
  });

  it('says a series on a hop a clean leg crosses does not explain the drops', { timeout: 120_000 }, async ({
    expect,
  }) => {
    // app-pressure is still 0.8, but a frozen lb leaves the app leg clean.
    const verdict = await stallAndJudge(expect, 'lb', (v) => v.evidence.length > 0);
    expect(verdict.clean).toEqual(['app']);
    expect(verdict.evidence.find((e) => e.name === 'app-pressure')).toMatchObject({ bearing: 'ruled-out' });
    expect(verdict.summary).toContain('app-pressure on app does not explain it: app stayed clean');
  });

  it('with Prometheus stopped: each series reports its error, and verdicts still come', {
    timeout: 120_000,
  }, async ({ expect }) => {
    await prometheus.stop();
    const to = Date.now();
    const { series } = await evidence(to - 30_000, to);
    expect(series).toHaveLength(3);
    for (const s of series) {
      expect(s.points).toEqual([]);
      expect(s.error).toMatch(/^cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/);
    }
    const queriesBefore = t.runtime.evidence.queries;
    const verdict = await stallAndJudge(expect, 'app', () => true);
    expect(verdict.evidence).toEqual([]);
    expect(verdict.summary).toMatch(/^app: /);
    // Evidence for it was asked of the stopped Prometheus, and the verdict stayed as the legs judged it.
    await expect.poll(() => t.runtime.evidence.queries, { timeout: 30_000 }).toBeGreaterThan(queriesBefore);
    expect(publications.get(verdict.id)?.every((v) => v.evidence.length === 0)).toBe(true);
    expect(verdicts.get(verdict.id)?.summary).not.toContain(' — ');
  });
});
