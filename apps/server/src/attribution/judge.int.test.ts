// The judge on a real event bus and a real SQLite store, fed the events the prober publishes, with a short
// correlation window so verdicts come within a second.
import { clusterVerdictId, type Drop } from '@hopwatch/shared/attribution';
import type { Cause, HopEvent, Session, Verdict } from '@hopwatch/shared/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { TargetConfig } from '../config/types.js';
import { labTarget } from '../lab/lab-config.js';
import { until } from '../routes/test-support/live-client.js';
import type { SessionQuery } from '../store/store.js';
import {
  closedSession,
  rtt,
  type StoreFixture,
  sessionOpen,
  useStoreFixtures,
} from '../store/test-support/store-fixture.js';
import type { EvidenceStore } from './facts.js';
import { Judge, type JudgeOptions } from './judge.js';

const WINDOW_MS = 400;
const HEARTBEAT = { intervalMs: 100, timeoutMs: 300 };
const LAB: TargetConfig = labTarget({
  ports: { edge: 1, lb: 2, app: 3 },
  heartbeat: HEARTBEAT,
  correlationWindowMs: WINDOW_MS,
});

const openStore = useStoreFixtures();
let judge: Judge | null = null;
afterEach(() => {
  judge?.close();
  judge = null;
});

/** `verdicts`: every verdict published, provisional and final; `finals`: the final ones. */
function start(fx: StoreFixture, options: Partial<JudgeOptions> = {}) {
  const verdicts: Verdict[] = [];
  const finals: Verdict[] = [];
  fx.bus.subscribe(({ event }) => {
    if (event.kind !== 'verdict') return;
    verdicts.push(event.verdict);
    if (event.verdict.final) finals.push(event.verdict);
  });
  judge = new Judge({ bus: fx.bus, store: fx.store, targets: () => [LAB], ...options });
  return { judge, verdicts, finals };
}

/** A leg up since `from` with every heartbeat answered until `to` (samples may lie in the future). */
function legUp(fx: StoreFixture, leg: string, from: number, to: number): string {
  const id = `${leg}-up-${from}`;
  const events: HopEvent[] = [sessionOpen('lab', leg, id, from)];
  for (let ts = from, seq = 1; ts <= to; ts += HEARTBEAT.intervalMs, seq += 1) {
    events.push(rtt('lab', leg, id, ts, 2, { seq }));
  }
  fx.publish(...events);
  return id;
}

function dropLeg(
  fx: StoreFixture,
  leg: string,
  id: string,
  openedAt: number,
  closedAt: number,
  cause: Cause = 'reset',
) {
  fx.publish({
    kind: 'session_close',
    ts: closedAt,
    target: 'lab',
    leg,
    session: closedSession('lab', leg, id, openedAt, closedAt, { cause }),
  });
}

/**
 * The real store, with its first `held` session reads (default: all) waiting until `release()`, the way a
 * store across the network keeps a judgment waiting. Reads see the store as it is when they are answered.
 */
function slowReads(fx: StoreFixture, held = Number.POSITIVE_INFINITY) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let asked = 0;
  const reads = {
    waiting: 0,
    release: () => release(),
    store: {
      sessions: async (query: SessionQuery) => {
        asked += 1;
        if (asked <= held) {
          reads.waiting += 1;
          await released;
          reads.waiting -= 1;
        }
        return fx.store.sessions(query);
      },
      rttSamples: fx.store.rttSamples.bind(fx.store),
      stalls: fx.store.stalls.bind(fx.store),
    } satisfies EvidenceStore,
  };
  return reads;
}

/**
 * The positive marker for "the judge published nothing": a drop published now (on `judge` if it is still
 * open, else on a fresh one) and its final verdict, which comes a whole window after anything judged before
 * it would have been. Returns that verdict's id.
 */
async function markerVerdict(fx: StoreFixture, fresh: boolean): Promise<string> {
  const open = fresh ? new Judge({ bus: fx.bus, store: fx.store, targets: () => [LAB] }) : judge!;
  judge = open;
  const finals: Verdict[] = [];
  const unsubscribe = fx.bus.subscribe(({ event }) => {
    if (event.kind === 'verdict' && event.verdict.final) finals.push(event.verdict);
  });
  const at = Date.now();
  dropLeg(fx, 'app', 'marker', at - 1_000, at);
  const id = clusterVerdictId('lab', { id: 'marker' } as Drop);
  try {
    await until(() => finals.some((v) => v.id === id), 'the marker drop judged final');
  } finally {
    unsubscribe();
  }
  return id;
}

describe('Judge', () => {
  it('publishes a provisional verdict at once and the final one once the window passes; the store serves it', async () => {
    const fx = openStore();
    const { verdicts, finals } = start(fx);
    const now = Date.now();
    const ids = ['edge', 'lb', 'app'].map((leg) => legUp(fx, leg, now - 5_000, now + 2_000));
    dropLeg(fx, 'edge', ids[0]!, now - 5_000, now);
    dropLeg(fx, 'lb', ids[1]!, now - 5_000, now + 20);
    expect(judge?.pending).toBe(1);
    expect(verdicts).toEqual([]);

    // Both drops came together: one provisional verdict holds them, under the id the final one keeps.
    await until(() => verdicts.length >= 1, 'a provisional verdict');
    expect(verdicts[0]).toMatchObject({ final: false, dropped: ['edge', 'lb'], suspects: ['lb'] });
    await until(() => finals.length === 1, 'the final verdict');
    expect(verdicts.filter((v) => !v.final).every((v) => v.id === finals[0]!.id)).toBe(true);
    const [verdict] = finals;
    expect(verdict).toMatchObject({
      kind: 'cluster',
      target: 'lab',
      at: now,
      dropped: ['edge', 'lb'],
      clean: ['app'],
      unknown: [],
      suspects: ['lb'],
      confidence: 'high',
      summary: 'lb: edge and lb dropped together while app stayed up',
      sessionIds: [ids[0], ids[1]],
      final: true,
    });
    expect(verdict!.judgedAt).toBeGreaterThanOrEqual(now + 20 + WINDOW_MS);
    expect(verdict!.signatures.map((s) => s.id)).toEqual(['mass-drop']);
    expect(judge?.pending).toBe(0);
    expect(await fx.store.verdicts({ target: 'lab', limit: 10 })).toEqual([verdict]);
  });

  it('judges a provisional verdict again once the clean legs have answered since the drops', async () => {
    const fx = openStore();
    // A window long enough that the recheck (a heartbeat interval after the drops) comes before the final.
    const slow = { ...LAB, correlationWindowMs: 3_000 };
    const { verdicts } = start(fx, { targets: () => [slow] });
    const now = Date.now();
    const ids = ['edge', 'lb', 'app'].map((leg) => legUp(fx, leg, now - 5_000, now - 50));
    dropLeg(fx, 'edge', ids[0]!, now - 5_000, now);
    dropLeg(fx, 'lb', ids[1]!, now - 5_000, now);
    await until(() => verdicts.length >= 1, 'the first provisional verdict');
    expect(verdicts[0]).toMatchObject({ final: false, unknown: ['app'], confidence: 'low' });
    expect(verdicts[0]!.reasons?.app).toBe('no heartbeat answered since the drops yet');
    // app answers after the drops
    fx.publish(rtt('lab', 'app', ids[2]!, now + 50, 2, { seq: 999 }));
    await until(() => verdicts.some((v) => v.clean.includes('app')), 'the verdict with app clean');
    const rechecked = verdicts.find((v) => v.clean.includes('app'));
    expect(rechecked).toMatchObject({
      final: false,
      suspects: ['lb'],
      confidence: 'high',
      id: verdicts[0]!.id,
    });
    await until(() => verdicts.some((v) => v.final), 'the final verdict', 10_000);
    expect(verdicts.find((v) => v.final)).toMatchObject({ suspects: ['lb'], confidence: 'high' });
  });

  it('re-judges a final cluster a late drop joins: same id, new judgedAt, still final', async () => {
    const fx = openStore();
    const { finals } = start(fx);
    const now = Date.now();
    const ids = ['edge', 'lb', 'app'].map((leg) => legUp(fx, leg, now - 5_000, now + 3_000));
    dropLeg(fx, 'edge', ids[0]!, now - 5_000, now);
    dropLeg(fx, 'lb', ids[1]!, now - 5_000, now);
    await until(() => finals.length === 1, 'the first verdict');

    // app's drop is reported late, but it happened within the window of the others.
    dropLeg(fx, 'app', ids[2]!, now - 5_000, now + WINDOW_MS - 50);
    await until(() => finals.length === 2, 'the second verdict');
    const [first, second] = finals;
    expect(second!.id).toBe(first!.id);
    expect(second!.judgedAt).toBeGreaterThan(first!.judgedAt);
    expect(second).toMatchObject({ dropped: ['edge', 'lb', 'app'], clean: [], suspects: ['app'] });
    expect((await fx.store.verdicts({ target: 'lab', limit: 10 })).map((v) => [v.id, v.suspects])).toEqual([
      [first!.id, ['app']],
    ]);
  });

  it('judges drops more than a window apart as separate clusters', async () => {
    const fx = openStore();
    const { finals } = start(fx);
    const now = Date.now();
    const ids = ['edge', 'lb', 'app'].map((leg) => legUp(fx, leg, now - 5_000, now + 5_000));
    dropLeg(fx, 'edge', ids[0]!, now - 5_000, now);
    await until(() => finals.length === 1, 'the first verdict');
    const later = Date.now();
    dropLeg(fx, 'lb', ids[1]!, now - 5_000, later);
    await until(() => finals.length === 2, 'the second verdict');
    expect(finals.map((v) => v.dropped)).toEqual([['edge'], ['lb']]);
    expect(new Set(finals.map((v) => v.id)).size).toBe(2);
  });

  it("a down leg's failed retries neither delay its verdict nor start new clusters", async () => {
    const fx = openStore();
    const { verdicts, finals } = start(fx);
    const now = Date.now();
    const ids = ['edge', 'lb', 'app'].map((leg) => legUp(fx, leg, now - 5_000, now + 5_000));
    dropLeg(fx, 'edge', ids[0]!, now - 5_000, now);
    // edge retries every 150ms for three windows, failing each time
    for (let i = 1; i <= 8; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const at = Date.now();
      dropLeg(fx, 'edge', `edge-retry-${i}`, at, at, 'connect_failed');
    }
    await until(() => finals.length === 1, 'the final verdict');
    expect(new Set(verdicts.map((v) => v.id)).size).toBe(1);
    expect(finals[0]).toMatchObject({
      dropped: ['edge'],
      suspects: ['edge', 'edge:entry'],
      sessionIds: [ids[0]],
    });
    expect(judge?.pending).toBe(0);

    // Once edge is back up, its next failure is a drop again.
    fx.publish(sessionOpen('lab', 'edge', 'edge-2', Date.now()));
    const again = Date.now();
    dropLeg(fx, 'edge', 'edge-3', again, again, 'connect_failed');
    expect(judge?.pending).toBe(1);
  });

  it('a flapping leg gets final verdicts while it flaps: a cluster takes drops for one window only', async () => {
    const fx = openStore();
    const { finals } = start(fx);
    const now = Date.now();
    const ids = ['lb', 'app'].map((leg) => legUp(fx, leg, now - 5_000, now + 20_000));
    const drops: number[] = [];
    let finalsWhileFlapping = 0;
    // edge comes up and is cut again every 150ms, each drop within the window of the one before
    for (let i = 0; i < 40; i += 1) {
      const at = Date.now();
      drops.push(at);
      dropLeg(fx, 'edge', `edge-flap-${i}`, at - 100, at);
      finalsWhileFlapping = finals.length;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(finalsWhileFlapping).toBeGreaterThan(0);
    await until(() => judge?.pending === 0, 'every cluster final');
    expect(finals.reduce((n, v) => n + v.sessionIds.length, 0)).toBe(40);
    for (const verdict of finals) {
      // its drops lie within one window of its first, so it was due within two windows of it
      const span = verdict.to - verdict.from - 2 * WINDOW_MS;
      expect(span).toBeLessThanOrEqual(WINDOW_MS);
      expect(verdict.judgedAt).toBeGreaterThanOrEqual(verdict.at);
    }
    // the first is judged one window after its own last drop, not early when the next cluster began
    const first = finals[0]!;
    const firstLast = drops[first.sessionIds.length - 1]!;
    expect(first.judgedAt).toBeGreaterThanOrEqual(firstLast + WINDOW_MS);
    expect(first.to).toBe(firstLast + WINDOW_MS);
    expect(ids).toHaveLength(2);
  });

  it('ignores closes hopwatch chose, and drops of targets it no longer has', async () => {
    const fx = openStore();
    const { verdicts } = start(fx);
    const now = Date.now();
    fx.publish({
      kind: 'session_close',
      ts: now,
      target: 'lab',
      leg: 'edge',
      session: closedSession('lab', 'edge', 's1', now - 1_000, now, { cause: null }),
    });
    fx.publish({
      kind: 'session_close',
      ts: now,
      target: 'removed',
      leg: 'edge',
      session: closedSession('removed', 'edge', 's2', now - 1_000, now, { cause: 'reset' }),
    });
    expect(judge?.pending).toBe(0);
    const marker = await markerVerdict(fx, false);
    expect(verdicts.map((v) => v.id)).toEqual(verdicts.map(() => marker));
    expect(verdicts.flatMap((v) => v.sessionIds)).not.toContain('s1');
  });

  it('releases its timers on close: a cluster still collecting is not judged', async () => {
    const fx = openStore();
    const { verdicts } = start(fx);
    const now = Date.now();
    dropLeg(fx, 'edge', 's1', now - 1_000, now);
    expect(judge?.pending).toBe(1);
    judge?.close();
    expect(judge?.pending).toBe(0);
    const marker = await markerVerdict(fx, true);
    expect(verdicts.map((v) => v.id)).toEqual(verdicts.map(() => marker));
  });

  it('reports a storage failure instead of throwing into the bus', async () => {
    const fx = openStore();
    const errors: string[] = [];
    const broken = {
      ...fx.store,
      sessions: () => {
        throw new Error('disk gone');
      },
      rttSamples: fx.store.rttSamples.bind(fx.store),
      stalls: fx.store.stalls.bind(fx.store),
    };
    const { verdicts } = start(fx, { store: broken, onError: (_e, context) => errors.push(context) });
    const now = Date.now();
    dropLeg(fx, 'edge', 's1', now - 1_000, now);
    await until(() => errors.length === 1, 'the error report');
    expect(errors[0]).toMatch(/^judging drop cluster cluster:lab:s1/);
    expect(verdicts).toEqual([]);
  });

  it('a judge closed while the store is being read publishes nothing afterwards', async () => {
    const fx = openStore();
    const errors: string[] = [];
    const reads = slowReads(fx);
    const { verdicts } = start(fx, { store: reads.store, onError: (_e, context) => errors.push(context) });
    const now = Date.now();
    dropLeg(fx, 'edge', 's1', now - 1_000, now);
    await until(() => reads.waiting > 0, 'the judgment to read the store');
    judge?.close();
    reads.release();
    await until(() => reads.waiting === 0, 'the reads to be answered');
    const marker = await markerVerdict(fx, true);
    expect(verdicts.map((v) => v.id)).toEqual(verdicts.map(() => marker));
    expect(errors).toEqual([]);
    expect((await fx.store.verdicts({ limit: 10 })).map((v) => v.id)).toEqual([marker]);
  });

  it('a judgment a late drop superseded while the store was read publishes nothing', async () => {
    const fx = openStore();
    const reads = slowReads(fx, 1); // only the first judgment's first read waits
    const { verdicts, finals } = start(fx, { store: reads.store });
    const now = Date.now();
    const ids = ['edge', 'lb', 'app'].map((leg) => legUp(fx, leg, now - 5_000, now + 3_000));
    dropLeg(fx, 'edge', ids[0]!, now - 5_000, now);
    await until(() => reads.waiting > 0, 'the first judgment to read the store');
    // lb's drop joins the cluster while the first judgment waits; the cluster is judged again with it.
    dropLeg(fx, 'lb', ids[1]!, now - 5_000, now + 20);
    await until(() => verdicts.length === 1, 'the second judgment');
    reads.release();
    await until(() => reads.waiting === 0, 'the first judgment to be answered');
    await until(() => finals.length === 1, 'the final verdict');
    expect(verdicts.map((v) => v.dropped)).toEqual(verdicts.map(() => ['edge', 'lb']));
    expect((await fx.store.verdicts({ target: 'lab', limit: 10 })).map((v) => v.dropped)).toEqual([
      ['edge', 'lb'],
    ]);
  });

  describe('attribute', () => {
    it('every leg clean when the user says they dropped → last-mile', async () => {
      const fx = openStore();
      start(fx);
      const now = Date.now();
      for (const leg of ['edge', 'lb', 'app']) legUp(fx, leg, now - 5_000, now);
      const verdict = await judge!.attribute(LAB, now - 1_000);
      expect(verdict).toMatchObject({
        kind: 'reported',
        at: now - 1_000,
        from: now - 1_000 - WINDOW_MS,
        to: now - 1_000 + WINDOW_MS,
        suspects: ['last-mile'],
        confidence: 'high',
        clean: ['edge', 'lb', 'app'],
      });
    });

    it('a time nothing was recorded for: nothing is known, nothing is exonerated', async () => {
      const fx = openStore();
      start(fx);
      const verdict = await judge!.attribute(LAB, Date.now() - 86_400_000);
      expect(verdict).toMatchObject({
        unknown: ['edge', 'lb', 'app'],
        suspects: ['last-mile', 'edge', 'lb', 'app'],
        confidence: 'low',
      });
    });
  });

  it('without the lease, publishes no provisional verdict and judges only if the holder stayed silent', async () => {
    const fx = openStore();
    const { verdicts } = start(fx, { mayJudge: () => false });
    const now = Date.now();
    const ids = ['edge', 'lb', 'app'].map((leg) => legUp(fx, leg, now - 5_000, now + 3_000));
    dropLeg(fx, 'edge', ids[0]!, now - 5_000, now);
    await until(() => verdicts.length === 1, 'its own verdict once the holder stayed silent');
    expect(verdicts[0]!.final).toBe(true);
    // Never before a second window passed after it became final: the holder had that long to publish.
    expect(verdicts[0]!.judgedAt).toBeGreaterThanOrEqual(now + 2 * WINDOW_MS);
    expect(verdicts[0]!.suspects).toEqual(['edge', 'edge:entry']);
    await until(() => judge?.standingBy === 0, 'nothing left waiting');
    expect(verdicts).toHaveLength(1);
  });

  it('without the lease, publishes nothing for a cluster the holder made final', async () => {
    const fx = openStore();
    const { verdicts } = start(fx, { mayJudge: () => false });
    const now = Date.now();
    const ids = ['edge', 'lb', 'app'].map((leg) => legUp(fx, leg, now - 5_000, now + 3_000));
    dropLeg(fx, 'edge', ids[0]!, now - 5_000, now);
    const [drop] = await fx.store.sessions({ target: 'lab', leg: 'edge', limit: 1 });
    // The holder's final verdict on the same cluster, as another instance's would arrive through the store.
    const holder = { ...verdictFor(drop!), judgedAt: now + WINDOW_MS };
    fx.publish({ kind: 'verdict', ts: holder.judgedAt, target: 'lab', leg: null, verdict: holder });
    await until(() => judge?.pending === 0, 'the cluster final');
    await until(() => judge?.standingBy === 0, 'the wait for the holder over');
    expect(verdicts).toEqual([holder]);
  });
});

function verdictFor(drop: Session): Verdict {
  return {
    id: clusterVerdictId('lab', drop as Drop),
    target: 'lab',
    kind: 'cluster',
    at: drop.closedAt ?? 0,
    from: drop.closedAt ?? 0,
    to: drop.closedAt ?? 0,
    dropped: ['edge'],
    clean: ['lb', 'app'],
    unknown: [],
    suspects: ['edge', 'edge:entry'],
    confidence: 'high',
    signatures: [],
    summary: 'judged by the lease holder',
    sessionIds: [drop.id],
    judgedAt: 0,
    evidence: [],
    final: true,
  };
}
