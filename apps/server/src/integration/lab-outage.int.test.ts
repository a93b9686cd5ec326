// Issue #11's "done when", end to end on the lab's real proxies: a whole hopwatch (runtime, SQLite, routes,
// metrics, log lines) watches the lab while `lb` is blackholed for 25 s. The lb leg goes down once and stays
// down, with its `since` fixed, through every failed retry; it drops once; the verdict naming lb is served
// first provisional, then final while the leg is still down; /api/outages lists the outage with its attempts;
// the log lines and metrics exist. And a hop killed right after the legs connected is blamed with high
// confidence: the leg that stayed up is clean, judged at the drops.
//
// Heartbeats every 500 ms with a 1.5 s timeout (correlation window 6.5 s): the lab's own timings, shortened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LegView,
  outagesResponseSchema,
  type Session,
  targetsResponseSchema,
  type Verdict,
} from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { defaultConfig } from '../config/defaults.js';
import { until } from '../routes/test-support/live-client.js';
import { createRuntime, type Runtime } from '../runtime.js';

const BLACKHOLE_MS = 25_000;

interface LogLine {
  msg: string;
  fields: Record<string, unknown>;
}

let dir: string | null = null;
let runtime: Runtime | null = null;
let app: FastifyInstance | null = null;

afterEach(async () => {
  await app?.close();
  await runtime?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  app = null;
  runtime = null;
  dir = null;
});

async function startLabHopwatch() {
  dir = mkdtempSync(join(tmpdir(), 'hopwatch-lab-outage-'));
  const config = defaultConfig();
  config.storage.sqlite = join(dir, 'hopwatch.db');
  config.lab = { enabled: true, schedule: [], heartbeat: { intervalMs: 500, timeoutMs: 1_500 } };
  const lines: LogLine[] = [];
  runtime = await createRuntime(config, { logger: { info: (fields, msg) => lines.push({ msg, fields }) } });
  app = await buildApp({ runtime, webRoot: null });
  const verdicts: Verdict[] = [];
  const sessions: Session[] = [];
  const opens: { leg: string; at: number }[] = [];
  /** heartbeats answered, per leg */
  const answered = new Map<string, number>();
  runtime.bus.subscribe(({ event }) => {
    if (event.kind === 'rtt' && event.rttMs !== null)
      answered.set(event.leg, (answered.get(event.leg) ?? 0) + 1);
    if (event.kind === 'verdict') verdicts.push(event.verdict);
    if (event.kind === 'session_close') sessions.push(event.session);
    if (event.kind === 'session_open') opens.push({ leg: event.leg, at: event.ts });
  });
  const server = app;
  const legs = async (): Promise<Map<string, LegView>> => {
    const response = await server.inject({ url: '/api/targets' });
    expect(response.statusCode).toBe(200);
    const [lab] = targetsResponseSchema.parse(response.json()).targets;
    return new Map((lab?.legs ?? []).map((leg) => [leg.name, leg]));
  };
  const metric = async (series: string): Promise<number | null> => {
    const text = (await server.inject({ url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? null : Number(line.slice(series.length + 1));
  };
  const allUp = async () => [...(await legs()).values()].every((leg) => leg.state === 'up');
  /** every leg up, each having answered at least `count` heartbeats */
  const allAnswered = async (count: number) =>
    [...(await legs()).values()].every((leg) => leg.state === 'up' && (answered.get(leg.name) ?? 0) >= count);
  return { app: server, lines, verdicts, sessions, opens, legs, metric, allUp, allAnswered };
}

describe('the lab, lb blackholed for 25 s', () => {
  it('is one outage of lb: since never moves, one drop, a verdict first provisional then final, outage, logs, metrics', {
    timeout: 120_000,
  }, async () => {
    const h = await startLabHopwatch();
    // The legs must have answered a few heartbeats: app is the witness that exonerates the app hop.
    await until(() => h.allAnswered(4), 'every lab leg up with four heartbeats answered', 30_000);
    const before = (await h.legs()).get('lb')!;
    expect(before.outage).toBeNull();

    const injected = await h.app.inject({
      method: 'POST',
      url: '/api/lab/faults',
      payload: { hop: 'lb', kind: 'blackhole', durationMs: BLACKHOLE_MS },
    });
    expect(injected.statusCode, injected.body).toBe(201);
    const fault = injected.json() as { endsAt: number };

    // Watch lb through the whole outage: every look finds it down, since the same instant.
    const seen: { state: string; since: number; attempts: number | null }[] = [];
    let wentDown: LegView | null = null;
    await until(
      async () => {
        const lb = (await h.legs()).get('lb')!;
        if (lb.state === 'down' && wentDown === null) wentDown = lb;
        if (wentDown !== null)
          seen.push({ state: lb.state, since: lb.since, attempts: lb.outage?.attempts ?? null });
        return wentDown !== null && lb.state === 'up';
      },
      'lb down, then back up after the blackhole',
      BLACKHOLE_MS + 60_000,
    );
    const down = wentDown as LegView | null;
    expect(down?.outage).toMatchObject({ firstCause: 'heartbeat_timeout' });
    const outageSince = down!.since;
    const whileDown = seen.slice(0, -1);
    expect(whileDown.length).toBeGreaterThan(10);
    for (const look of whileDown) expect(look).toMatchObject({ state: 'down', since: outageSince });
    // retries happened and were counted into the open outage, never moving since
    expect(Math.max(...whileDown.map((l) => l.attempts ?? 0))).toBeGreaterThan(0);
    expect(Date.now()).toBeGreaterThanOrEqual(fault.endsAt);

    // One established session lost; the retries are failed attempts.
    const lbClosed = h.sessions.filter((s) => s.leg === 'lb' && s.cause !== null);
    const attempts = lbClosed.filter((s) => s.cause === 'connect_failed' || s.cause === 'handshake_rejected');
    expect(lbClosed.length - attempts.length).toBe(1);
    expect(attempts.length).toBeGreaterThan(0);
    const after = (await h.legs()).get('lb')!;
    expect(after.stats.drops1h).toBe(before.stats.drops1h + 1);
    expect(after.stats.failedAttempts1h).toBe(before.stats.failedAttempts1h + attempts.length);
    expect(after.outage).toBeNull();

    // The verdict naming lb: provisional first, final (same id) while lb was still down, blaming lb alone.
    const naming = h.verdicts.filter((v) => v.suspects.includes('lb'));
    expect(naming[0]).toMatchObject({ final: false });
    const final = naming.find((v) => v.final);
    expect(final).toMatchObject({
      id: naming[0]!.id,
      dropped: ['edge', 'lb'],
      clean: ['app'],
      suspects: ['lb'],
      confidence: 'high',
    });
    const lbBackAt = h.opens.find((o) => o.leg === 'lb' && o.at > outageSince)?.at ?? Number.NaN;
    expect(final!.judgedAt).toBeLessThan(lbBackAt);
    expect(final!.judgedAt).toBeLessThan(fault.endsAt);
    // /api/drops serves it, final
    const drops = (await h.app.inject({ url: '/api/drops?target=lab' })).json() as { drops: Verdict[] };
    expect(drops.drops.find((v) => v.id === final!.id)).toMatchObject({ final: true, suspects: ['lb'] });

    // /api/outages lists the outage, ended, with its attempts
    const response = await h.app.inject({ url: '/api/outages?target=lab&leg=lb' });
    expect(response.statusCode).toBe(200);
    const [outage] = outagesResponseSchema.parse(response.json()).outages;
    expect(outage).toMatchObject({
      target: 'lab',
      leg: 'lb',
      since: outageSince,
      firstCause: 'heartbeat_timeout',
      attempts: attempts.length,
    });
    expect(outage!.until).toBe(lbBackAt);
    expect(outage!.durationMs).toBe(lbBackAt - outageSince);

    // log lines
    await until(
      () => h.lines.some((l) => l.msg === 'outage end' && l.fields.leg === 'lb'),
      'the outage end line',
    );
    expect(h.lines).toContainEqual({
      msg: 'outage start',
      fields: expect.objectContaining({
        target: 'lab',
        leg: 'lb',
        since: outageSince,
        cause: 'heartbeat_timeout',
      }),
    });
    expect(h.lines).toContainEqual({
      msg: 'outage end',
      fields: expect.objectContaining({
        target: 'lab',
        leg: 'lb',
        dur_ms: lbBackAt - outageSince,
        attempts: attempts.length,
      }),
    });
    expect(h.lines).toContainEqual({
      msg: 'verdict',
      fields: expect.objectContaining({
        target: 'lab',
        verdict: final!.id,
        suspects: ['lb'],
        confidence: 'high',
        signatures: final!.signatures.map((s) => s.id),
        summary: final!.summary,
      }),
    });
    // provisional verdicts are not logged
    expect(h.lines.filter((l) => l.msg === 'verdict' && l.fields.verdict === final!.id)).toHaveLength(1);

    // metrics
    expect(await h.metric('hopwatch_leg_drops_total{target="lab",leg="lb",cause="heartbeat_timeout"}')).toBe(
      1,
    );
    expect(
      await h.metric('hopwatch_leg_drops_total{target="lab",leg="lb",cause="connect_failed"}'),
    ).toBeNull();
    const failures =
      ((await h.metric(
        'hopwatch_leg_connect_failures_total{target="lab",leg="lb",cause="connect_failed"}',
      )) ?? 0) +
      ((await h.metric(
        'hopwatch_leg_connect_failures_total{target="lab",leg="lb",cause="handshake_rejected"}',
      )) ?? 0);
    expect(failures).toBe(attempts.length);
    expect(await h.metric('hopwatch_leg_outage_seconds_count{target="lab",leg="lb"}')).toBe(1);
    expect(await h.metric('hopwatch_leg_outage_seconds_sum{target="lab",leg="lb"}')).toBe(
      (lbBackAt - outageSince) / 1_000,
    );
    expect(await h.metric('hopwatch_verdicts_total{target="lab",suspect="lb",confidence="high"}')).toBe(1);
  });
});

describe('the lab, lb reset right after the legs connected', () => {
  it('blames lb with high confidence: app connected inside the window but answered across the drops', {
    timeout: 60_000,
  }, async () => {
    const h = await startLabHopwatch();
    await until(h.allUp, 'every lab leg up', 30_000);
    const appSince = (await h.legs()).get('app')!.since;
    const injected = await h.app.inject({
      method: 'POST',
      url: '/api/lab/faults',
      payload: { hop: 'lb', kind: 'reset', durationMs: 1_000 },
    });
    expect(injected.statusCode, injected.body).toBe(201);
    await until(() => h.verdicts.some((v) => v.final), 'a final verdict', 30_000);
    const final = h.verdicts.find((v) => v.final)!;
    // the scenario: app's session opened inside the judged window, not before it
    expect(appSince).toBeGreaterThan(final.from);
    expect(final).toMatchObject({
      dropped: ['edge', 'lb'],
      clean: ['app'],
      unknown: [],
      suspects: ['lb'],
      confidence: 'high',
    });
    expect((await h.legs()).get('app')).toMatchObject({ state: 'up', since: appSince });
  });
});
