// The Store contract as one suite, run against every backend (store/store.contract.int.test.ts): what any
// caller may rely on, whatever holds the data. Backend specifics (files on disk, WAL, schema refusals, the
// seq watermark) are tested beside each backend.
import { type HopEvent, type Outage, RTT_MAX_POINTS, type Verdict } from '@hopwatch/shared/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../events/bus.js';
import type { Store } from '../store.js';
import { expectedMinute, MINUTE, rttOf } from './rtt-pattern.js';
import { closedSession, DAY_MS, rtt, sessionOpen } from './store-fixture.js';

export interface ContractOptions {
  retentionMs: number;
  rawRetentionMs?: number;
  rollupGraceMs?: number;
  now?: () => number;
  onError: (error: unknown, context: string) => void;
}

/** A fresh, empty place to keep data (a file, a database) and how to open a store on it. */
export interface StoreSpace {
  open(options: ContractOptions): Promise<Store>;
  remove(): Promise<void>;
}

export interface StoreBackend {
  name: string;
  /** the vantage its stores keep their stalls under (a store shared by several instances); none for SQLite */
  vantage?: string;
  start?(): Promise<void>;
  stop?(): Promise<void>;
  space(): Promise<StoreSpace>;
}

interface ContractFixture {
  store: Store;
  bus: EventBus;
  errors: { error: unknown; context: string }[];
  publish(...events: Parameters<EventBus['publish']>[0][]): void;
  reopen(options?: Partial<ContractOptions>): Promise<void>;
}

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

function verdict(id: string, target: string, at: number): Verdict {
  return {
    id,
    target,
    kind: 'cluster',
    at,
    from: at - 1_000,
    to: at + 1_000,
    dropped: ['edge'],
    clean: ['direct'],
    unknown: [],
    suspects: ['edge'],
    confidence: 'high',
    signatures: [],
    summary: `drop at ${at}`,
    sessionIds: ['s1'],
    judgedAt: at + 5_000,
    evidence: [],
    final: true,
  };
}

function outage(leg: string, since: number, more: Partial<Outage> = {}): Outage {
  return {
    target: 'lab',
    leg,
    since,
    until: null,
    durationMs: null,
    firstCause: 'heartbeat_timeout',
    lastCause: 'heartbeat_timeout',
    attempts: 0,
    lastError: null,
    lastHttpStatus: null,
    ...more,
  };
}

const event = (o: Outage): HopEvent => ({
  kind: 'outage',
  ts: o.until ?? o.since,
  target: o.target,
  leg: o.leg,
  outage: o,
});

export function describeStoreContract(backend: StoreBackend): void {
  describe(`Store contract: ${backend.name}`, () => {
    /** a stall as read back: the vantage that recorded it, where the store keeps one */
    const stall = (ts: number, delayMs: number) => ({
      ts,
      delayMs,
      ...(backend.vantage === undefined ? {} : { vantage: backend.vantage }),
    });
    let space: StoreSpace | null = null;
    let current: ContractFixture | null = null;

    beforeAll(async () => {
      await backend.start?.();
    }, 60_000);
    afterAll(async () => {
      await backend.stop?.();
    }, 60_000);
    afterEach(async () => {
      await current?.store.close();
      await space?.remove();
      current = null;
      space = null;
    });

    async function open(options: Partial<ContractOptions> = {}): Promise<ContractFixture> {
      space = await backend.space();
      const errors: { error: unknown; context: string }[] = [];
      const opened = async (more: Partial<ContractOptions>) => {
        const store = await (space as StoreSpace).open({
          retentionMs: 30 * DAY_MS,
          onError: (error, context) => errors.push({ error, context }),
          ...options,
          ...more,
        });
        const bus = new EventBus(store);
        bus.subscribe((stored) => store.project(stored));
        return { store, bus };
      };
      const fixture: ContractFixture = {
        errors,
        ...(await opened({})),
        publish(...events) {
          for (const event of events) fixture.bus.publish(event);
        },
        async reopen(more = {}) {
          await fixture.store.close();
          Object.assign(fixture, await opened(more));
        },
      };
      current = fixture;
      return fixture;
    }

    describe('event log', () => {
      it('hands out increasing seq, never reused across a restart, and resumes after `since`', async () => {
        const f = await open();
        f.publish(sessionOpen('api', 'edge', 's1', T0), rtt('api', 'edge', 's1', T0 + 1_000, 12));
        const first = (await f.store.after(0, 100)).map((e) => e.seq);
        expect(first).toHaveLength(2);
        expect(f.store.lastSeq()).toBe(first[1]);

        await f.reopen();
        expect(f.store.lastSeq()).toBeGreaterThanOrEqual(first[1] ?? 0);
        f.publish(rtt('api', 'edge', 's1', T0 + 2_000, 13));
        const all = await f.store.after(0, 100);
        const seqs = all.map((e) => e.seq);
        expect(seqs).toHaveLength(3);
        expect(seqs.slice(0, 2)).toEqual(first);
        expect(seqs[2]).toBeGreaterThan(seqs[1] ?? 0);
        expect(all[0]?.event).toEqual(sessionOpen('api', 'edge', 's1', T0));
        expect((await f.store.after(seqs[0] ?? 0, 100)).map((e) => e.seq)).toEqual(seqs.slice(1));
        expect((await f.store.after(seqs[0] ?? 0, 1)).map((e) => e.seq)).toEqual([seqs[1]]);
        expect(await f.store.after(seqs[2] ?? 0, 100)).toEqual([]);
      });

      it('does not reuse seq after retention deleted every event', async () => {
        let clock = T0;
        const f = await open({ now: () => clock });
        f.publish(rtt('api', 'edge', 's1', T0, 5), rtt('api', 'edge', 's1', T0 + 1, 5));
        const before = f.store.lastSeq();
        clock = T0 + 3 * DAY_MS;
        await f.store.prune(clock);
        expect(await f.store.after(0, 10)).toEqual([]);
        await f.reopen();
        f.publish(rtt('api', 'edge', 's1', clock, 5));
        const after = await f.store.after(0, 10);
        expect(after).toHaveLength(1);
        expect(after[0]?.seq).toBeGreaterThan(before);
      });

      it('replays into a LiveHub-style reader in pages', async () => {
        const f = await open();
        const published: number[] = [];
        for (let i = 0; i < 25; i += 1)
          published.push(f.bus.publish(rtt('api', 'edge', 's1', T0 + i, i)).seq);
        const seen: number[] = [];
        let cursor = 0;
        for (;;) {
          const page = await f.store.after(cursor, 10);
          if (page.length === 0) break;
          seen.push(...page.map((e) => e.seq));
          cursor = page.at(-1)?.seq ?? cursor;
        }
        expect(seen).toEqual(published);
      });
    });

    describe('sessions', () => {
      it('stores the whole session on close and serves them newest first, filtered by overlap', async () => {
        const f = await open();
        f.publish(
          sessionOpen('api', 'edge', 'a', T0),
          sessionOpen('api', 'direct', 'b', T0 + 10_000),
          sessionOpen('web', 'edge', 'c', T0 + 20_000),
        );
        const closed = closedSession('api', 'edge', 'a', T0, T0 + 100_000, {
          cause: 'remote_close',
          closeCode: 1012,
          closeReason: 'restart',
          silenceMs: 400,
          suspect: true,
        });
        f.publish({ kind: 'session_close', ts: T0 + 100_000, target: 'api', leg: 'edge', session: closed });

        expect((await f.store.sessions({ limit: 10 })).map((s) => s.id)).toEqual(['c', 'b', 'a']);
        expect(await f.store.sessions({ target: 'api', leg: 'edge', limit: 10 })).toEqual([closed]);
        const stillOpen = (await f.store.sessions({ target: 'api', leg: 'direct', limit: 10 }))[0];
        expect(stillOpen).toMatchObject({ id: 'b', closedAt: null, cause: null, handshake: { tcpMs: 1.5 } });
        expect((await f.store.sessions({ from: T0 + 150_000, limit: 10 })).map((s) => s.id)).toEqual([
          'c',
          'b',
        ]);
        expect((await f.store.sessions({ to: T0 + 5_000, limit: 10 })).map((s) => s.id)).toEqual(['a']);
        expect((await f.store.sessions({ limit: 1 })).map((s) => s.id)).toEqual(['c']);
      });

      it('keeps a closed session closed when a duplicate session_open is replayed', async () => {
        const f = await open();
        const closed = closedSession('api', 'edge', 'a', T0, T0 + 5_000);
        f.publish(sessionOpen('api', 'edge', 'a', T0));
        f.publish({ kind: 'session_close', ts: T0 + 5_000, target: 'api', leg: 'edge', session: closed });
        f.publish(sessionOpen('api', 'edge', 'a', T0));
        expect(await f.store.sessions({ limit: 10 })).toEqual([closed]);
      });

      it('closes sessions left open by a previous run at their last answered heartbeat, not as drops', async () => {
        const f = await open();
        f.publish(
          sessionOpen('api', 'edge', 'beating', T0),
          rtt('api', 'edge', 'beating', T0 + 1_000, 10),
          rtt('api', 'edge', 'beating', T0 + 2_000, 11),
          rtt('api', 'edge', 'beating', T0 + 3_000, null),
          sessionOpen('api', 'direct', 'silent', T0 + 500),
          sessionOpen('api', 'lb', 'finished', T0),
        );
        const finished = closedSession('api', 'lb', 'finished', T0, T0 + 700);
        f.publish({ kind: 'session_close', ts: T0 + 700, target: 'api', leg: 'lb', session: finished });

        await f.reopen();
        const closed = await f.store.closeOrphanedSessions(T0 + 60_000);
        expect(closed.map((s) => [s.id, s.closedAt, s.durationMs, s.cause])).toEqual([
          ['beating', T0 + 2_000, 2_000, null],
          ['silent', T0 + 500, 0, null],
        ]);
        const stored = await f.store.sessions({ limit: 10 });
        expect(stored.filter((s) => s.closedAt === null)).toEqual([]);
        expect(stored.find((s) => s.id === 'beating')).toEqual(closed[0]);
        expect(stored.find((s) => s.id === 'finished')).toEqual(finished);
        expect(await f.store.closeOrphanedSessions(T0 + 61_000)).toEqual([]);
      });
    });

    describe('verdicts, stalls and incidents', () => {
      it('stores each verdict once, whether saved directly or seen as an event', async () => {
        const f = await open();
        const first = verdict('v1', 'api', T0);
        f.store.saveVerdict(first);
        f.publish({ kind: 'verdict', ts: T0, target: 'api', leg: null, verdict: first });
        f.publish({
          kind: 'verdict',
          ts: T0,
          target: 'web',
          leg: null,
          verdict: verdict('v2', 'web', T0 + 10),
        });
        f.store.saveVerdict(verdict('v3', 'api', T0 + 20));

        expect((await f.store.verdicts({ limit: 10 })).map((v) => v.id)).toEqual(['v3', 'v2', 'v1']);
        expect(await f.store.verdicts({ target: 'api', limit: 10 })).toEqual([
          verdict('v3', 'api', T0 + 20),
          first,
        ]);
        expect((await f.store.verdicts({ from: T0 + 5, to: T0 + 15, limit: 10 })).map((v) => v.id)).toEqual([
          'v2',
        ]);
      });

      it('stores prober stalls', async () => {
        const f = await open();
        f.publish(
          { kind: 'prober_stall', ts: T0, target: null, leg: null, delayMs: 1_500, thresholdMs: 1_000 },
          {
            kind: 'prober_stall',
            ts: T0 + 60_000,
            target: null,
            leg: null,
            delayMs: 2_500,
            thresholdMs: 1_000,
          },
        );
        expect(await f.store.stalls({ from: T0, to: T0 + 1 })).toEqual([stall(T0, 1_500)]);
        expect(await f.store.stalls({ from: 0, to: T0 + DAY_MS })).toHaveLength(2);
      });

      it('creates incidents with short random ids and lists them newest first', async () => {
        let clock = T0;
        const f = await open({ now: () => clock });
        const a = await f.store.createIncident({
          target: 'api',
          from: T0 - 60_000,
          to: T0,
          title: 'edge flap',
          note: '',
        });
        clock += 1;
        const b = await f.store.createIncident({
          target: 'web',
          from: T0,
          to: T0 + 1,
          title: 'lb',
          note: 'see #42',
        });
        expect(a.id).toMatch(/^[0-9a-hjkmnp-tv-z]{10}$/);
        expect(a.id).not.toBe(b.id);
        expect(a.createdAt).toBe(T0);
        expect(await f.store.incident(a.id)).toEqual(a);
        expect(await f.store.incident('nope')).toBeNull();
        expect(await f.store.incidents({ limit: 10 })).toEqual([b, a]);
        expect(await f.store.incidents({ target: 'api', limit: 10 })).toEqual([a]);
        await f.reopen();
        expect(await f.store.incident(b.id)).toEqual(b);
      });
    });

    describe('RTT', () => {
      it('gives exact statistics per bucket for a short range', async () => {
        const f = await open({ now: () => T0 + 10 * MINUTE });
        f.publish(
          rtt('api', 'edge', 's', T0 + 100, 30),
          rtt('api', 'edge', 's', T0 + 900, 10),
          rtt('api', 'edge', 's', T0 + 1_500, null),
          rtt('api', 'edge', 's', T0 + 1_600, 20, { suspect: true }),
          rtt('api', 'edge', 's', T0 + 5_000, 40),
          rtt('api', 'other', 's', T0 + 100, 999),
        );
        const series = await f.store.rttSeries({
          target: 'api',
          leg: 'edge',
          from: T0,
          to: T0 + 10 * MINUTE,
        });
        expect(series.step).toBe(500);
        expect(series.points).toEqual([
          { t: T0, n: 1, min: 30, p50: 30, p99: 30, max: 30, lost: 0, suspect: 0 },
          { t: T0 + 500, n: 1, min: 10, p50: 10, p99: 10, max: 10, lost: 0, suspect: 0 },
          { t: T0 + 1_500, n: 1, min: 20, p50: 20, p99: 20, max: 20, lost: 1, suspect: 1 },
          { t: T0 + 5_000, n: 1, min: 40, p50: 40, p99: 40, max: 40, lost: 0, suspect: 0 },
        ]);
        const coarse = await f.store.rttSeries({
          target: 'api',
          leg: 'edge',
          from: T0,
          to: T0 + 10 * MINUTE,
          stepMs: 10_000,
        });
        expect(coarse).toEqual({
          step: 10_000,
          points: [{ t: T0, n: 4, min: 10, p50: 20, p99: 40, max: 40, lost: 1, suspect: 1 }],
        });
      });

      it('serves raw samples with their session and heartbeat seq', async () => {
        const f = await open({ now: () => T0 });
        f.publish(rtt('api', 'edge', 's1', T0, 5, { seq: 7 }), rtt('api', 'lb', 's2', T0 + 1, 6, { seq: 8 }));
        expect(await f.store.rttSamples({ target: 'api', from: T0, to: T0 + 2 })).toEqual([
          { target: 'api', leg: 'edge', sessionId: 's1', ts: T0, seq: 7, rttMs: 5, suspect: false },
          { target: 'api', leg: 'lb', sessionId: 's2', ts: T0 + 1, seq: 8, rttMs: 6, suspect: false },
        ]);
        expect(await f.store.rttSamples({ target: 'api', leg: 'lb', from: T0, to: T0 + 2 })).toHaveLength(1);
        expect(await f.store.rttSamples({ target: 'api', leg: 'gone', from: T0, to: T0 + 2 })).toEqual([]);
      });

      it('rolls finished minutes up exactly, and answers the same from rollups alone', async () => {
        let clock = T0;
        const f = await open({ now: () => clock, rollupGraceMs: 5_000 });
        const count = 150;
        for (let i = 0; i < count; i += 1) {
          clock = T0 + i * 1_000;
          f.publish(rtt('api', 'edge', 's', clock, rttOf(i)));
          f.store.flush();
        }
        const expected = [0, 1, 2].map((m) => expectedMinute(T0 + m * MINUTE, T0, count));
        const day = { target: 'api', leg: 'edge', from: clock - DAY_MS + 1, to: clock + 1 };
        expect(await f.store.rttSeries(day)).toEqual({ step: MINUTE, points: expected });
        clock += 10 * MINUTE;
        f.store.flush();
        expect(await f.store.rttSeries(day)).toEqual({ step: MINUTE, points: expected });
        await f.store.prune(clock + 3 * DAY_MS);
        expect(await f.store.rttSamples({ target: 'api', from: 0, to: clock })).toEqual([]);
        expect(await f.store.rttSeries(day)).toEqual({ step: MINUTE, points: expected });
      });

      it('keeps a minute exact when hopwatch restarts in the middle of it', async () => {
        let clock = T0;
        const f = await open({ now: () => clock, rollupGraceMs: 5_000 });
        for (let i = 0; i < 30; i += 1) f.publish(rtt('api', 'edge', 's', T0 + i * 1_000, rttOf(i)));
        clock = T0 + 30_000;
        await f.reopen();
        for (let i = 30; i < 90; i += 1) f.publish(rtt('api', 'edge', 's2', T0 + i * 1_000, rttOf(i)));
        clock = T0 + 3 * MINUTE;
        f.store.flush();
        await f.store.prune(T0 + 3 * DAY_MS);
        const series = await f.store.rttSeries({ target: 'api', leg: 'edge', from: T0, to: T0 + DAY_MS });
        expect(series.points).toEqual([expectedMinute(T0, T0, 90), expectedMinute(T0 + MINUTE, T0, 90)]);
      });

      it('recomputes a minute that gets a late sample after it was rolled up', async () => {
        let clock = T0;
        const f = await open({ now: () => clock, rollupGraceMs: 5_000 });
        f.publish(rtt('api', 'edge', 's', T0 + 1_000, 10), rtt('api', 'edge', 's', T0 + 2_000, 20));
        clock = T0 + 2 * MINUTE;
        f.store.flush();
        await f.store.sessions({ limit: 1 }); // the flush has committed
        f.publish(rtt('api', 'edge', 's', T0 + 3_000, null));
        clock = T0 + 4 * MINUTE;
        f.store.flush();
        await f.store.prune(T0 + 3 * DAY_MS);
        expect(
          (await f.store.rttSeries({ target: 'api', leg: 'edge', from: T0, to: T0 + DAY_MS })).points,
        ).toEqual([{ t: T0, n: 2, min: 10, p50: 10, p99: 20, max: 20, lost: 1, suspect: 0 }]);
      });

      it('never returns more than the point cap over a long range', async () => {
        let clock = T0;
        const f = await open({ now: () => clock, rollupGraceMs: 0 });
        for (let i = 0; i < 600; i += 1) f.publish(rtt('api', 'edge', 's', T0 + i * 1_000, rttOf(i)));
        clock = T0 + 20 * MINUTE;
        f.store.flush();
        const series = await f.store.rttSeries({
          target: 'api',
          leg: 'edge',
          from: T0 - 30 * DAY_MS,
          to: clock,
        });
        expect(series.points.length).toBeLessThanOrEqual(RTT_MAX_POINTS);
        expect(series.points.reduce((sum, p) => sum + p.n + p.lost, 0)).toBe(600);
      });
    });

    describe('retention', () => {
      it('prunes by age: raw samples and events after the raw window, the rest after the retention', async () => {
        let clock = T0;
        const f = await open({ now: () => clock, retentionMs: 10 * DAY_MS, rawRetentionMs: 2 * DAY_MS });
        const old = T0;
        const middle = T0 + 5 * DAY_MS;
        for (const [ts, id] of [
          [old, 'old'],
          [middle, 'middle'],
        ] as const) {
          clock = ts;
          f.publish(sessionOpen('api', 'edge', id, ts), rtt('api', 'edge', id, ts + 1_000, 10));
          f.publish({
            kind: 'session_close',
            ts: ts + 2_000,
            target: 'api',
            leg: 'edge',
            session: closedSession('api', 'edge', id, ts, ts + 2_000),
          });
          f.store.saveVerdict(verdict(`v-${id}`, 'api', ts));
          f.publish({
            kind: 'prober_stall',
            ts,
            target: null,
            leg: null,
            delayMs: 1_500,
            thresholdMs: 1_000,
          });
        }
        const incident = await f.store.createIncident({
          target: 'api',
          from: old,
          to: old + 1,
          title: 'kept',
          note: '',
        });
        clock = old + 10 * DAY_MS + 60_000;
        f.store.flush();

        const result = await f.store.prune(clock);
        expect(result.done).toBe(true);
        expect(result.deleted).toBeGreaterThan(0);
        expect((await f.store.sessions({ limit: 10 })).map((s) => s.id)).toEqual(['middle']);
        expect((await f.store.verdicts({ limit: 10 })).map((v) => v.id)).toEqual(['v-middle']);
        expect(await f.store.stalls({ from: 0, to: clock })).toEqual([stall(middle, 1_500)]);
        expect(await f.store.incident(incident.id)).toEqual(incident);
        expect(await f.store.after(0, 100)).toEqual([]);
        expect(await f.store.rttSamples({ target: 'api', from: 0, to: clock })).toEqual([]);
        const series = await f.store.rttSeries({ target: 'api', leg: 'edge', from: old, to: clock });
        expect(series.points.map((p) => [p.n, p.p50])).toEqual([[1, 10]]);
        expect(series.points[0]?.t).toBeLessThanOrEqual(middle);
      });

      it('prunes in bounded steps when asked to', async () => {
        let clock = T0;
        const f = await open({ now: () => clock, retentionMs: DAY_MS, rawRetentionMs: DAY_MS });
        // A minute apart: each its own chunk, rollup and (SQLite) event-log row, so there are rows to step through.
        for (let i = 0; i < 300; i += 1) f.publish(rtt('api', 'edge', 's', T0 + i * 60_000, 5));
        clock = T0 + 3 * DAY_MS;
        const steps: number[] = [];
        for (;;) {
          const result = await f.store.prune(clock, 100);
          steps.push(result.deleted);
          if (result.done) break;
        }
        expect(Math.max(...steps)).toBeLessThanOrEqual(100);
        expect(steps.length).toBeGreaterThan(3);
        expect(await f.store.after(0, 1_000)).toEqual([]);
        expect(await f.store.rttSamples({ target: 'api', from: 0, to: clock })).toEqual([]);
      });
    });

    describe('outages', () => {
      it('keeps the latest state of each outage, newest first, across a restart', async () => {
        const f = await open();
        f.publish(
          event(outage('lb', T0)),
          event(outage('lb', T0, { attempts: 1, lastCause: 'connect_failed', lastError: 'ETIMEDOUT' })),
          event(outage('edge', T0 + 10)),
          event(
            outage('lb', T0, {
              attempts: 2,
              lastCause: 'handshake_rejected',
              lastHttpStatus: 403,
              until: T0 + 25_000,
              durationMs: 25_000,
            }),
          ),
        );
        await f.reopen();
        expect(await f.store.outages({ limit: 10 })).toEqual([
          outage('edge', T0 + 10),
          outage('lb', T0, {
            attempts: 2,
            lastCause: 'handshake_rejected',
            lastError: null,
            lastHttpStatus: 403,
            until: T0 + 25_000,
            durationMs: 25_000,
          }),
        ]);
      });

      it('filters by target, leg, time and openness, and honours the limit', async () => {
        const f = await open();
        f.publish(
          event(outage('lb', T0, { until: T0 + 1_000, durationMs: 1_000 })),
          event(outage('lb', T0 + 60_000)),
          event(outage('app', T0 + 30_000, { until: T0 + 31_000, durationMs: 1_000 })),
          event({ ...outage('lb', T0 + 5_000), target: 'other' }),
        );
        const since = async (q: Parameters<typeof f.store.outages>[0]) =>
          (await f.store.outages(q)).map((o) => `${o.target}/${o.leg}@${o.since - T0}`);
        expect(await since({ target: 'lab', leg: 'lb', limit: 10 })).toEqual(['lab/lb@60000', 'lab/lb@0']);
        expect(await since({ target: 'lab', from: T0 + 2_000, limit: 10 })).toEqual([
          'lab/lb@60000',
          'lab/app@30000',
        ]);
        expect(await since({ target: 'lab', to: T0 + 30_500, limit: 10 })).toEqual([
          'lab/app@30000',
          'lab/lb@0',
        ]);
        expect(await since({ open: true, limit: 10 })).toEqual(['lab/lb@60000', 'other/lb@5000']);
        expect(await since({ limit: 1 })).toEqual(['lab/lb@60000']);
      });

      it('retention deletes ended outages past it and keeps open ones, however old', async () => {
        const f = await open({ retentionMs: DAY_MS });
        f.publish(
          event(outage('lb', T0, { until: T0 + 1_000, durationMs: 1_000 })),
          event(outage('app', T0)),
        );
        await f.store.prune(T0 + 2 * DAY_MS);
        expect((await f.store.outages({ limit: 10 })).map((o) => o.leg)).toEqual(['app']);
      });
    });

    describe('bad input', () => {
      it('drops and reports a malformed row without losing the rest of its batch', async () => {
        const f = await open();
        f.publish(sessionOpen('api', 'edge', 'good', T0));
        f.publish(sessionOpen('api', 'edge', 'bad-ts', Number.NaN));
        f.publish(rtt('api', 'edge', 'good', Number.POSITIVE_INFINITY, 3));
        f.publish(rtt('api', 'edge', 'good', T0 + 1_000, Number.NaN));
        f.publish(sessionOpen('api', 'edge', 'after', T0 + 2_000));

        expect((await f.store.sessions({ limit: 10 })).map((s) => s.id)).toEqual(['after', 'good']);
        expect(await f.store.rttSamples({ target: 'api', leg: 'edge', from: 0, to: T0 + DAY_MS })).toEqual([
          {
            target: 'api',
            leg: 'edge',
            sessionId: 'good',
            ts: T0 + 1_000,
            seq: 0,
            rttMs: null,
            suspect: false,
          },
        ]);
        expect(f.errors.map((e) => e.context).sort()).toEqual(['rtt sample', 'session']);
        expect(await f.store.after(0, 10)).toHaveLength(5);
      });

      it('stores hostile strings verbatim and keeps every table intact', async () => {
        const f = await open();
        const target = "api'); DROP TABLE sessions; --";
        const leg = 'edge" OR 1=1 --';
        f.publish(sessionOpen(target, leg, "s'1", T0), rtt(target, leg, "s'1", T0 + 1_000, 7));
        expect((await f.store.sessions({ target, leg, limit: 10 })).map((s) => s.id)).toEqual(["s'1"]);
        expect(await f.store.sessions({ target: 'api', limit: 10 })).toEqual([]);
        expect((await f.store.rttSeries({ target, leg, from: T0, to: T0 + 60_000 })).points).toHaveLength(1);
        const incident = await f.store.createIncident({
          target,
          from: T0,
          to: T0,
          title: '<script>',
          note: "'; --",
        });
        expect((await f.store.incident(incident.id))?.note).toBe("'; --");
      });

      it('answers nonsense query parameters with nothing or a clear error, never a crash', async () => {
        const f = await open();
        f.publish(sessionOpen('api', 'edge', 's', T0), rtt('api', 'edge', 's', T0 + 1_000, 7));
        expect(await f.store.after(Number.NaN, Number.NaN)).toEqual([]);
        expect(await f.store.after(-5, 10)).toHaveLength(2);
        expect(await f.store.sessions({ limit: Number.NaN })).toEqual([]);
        expect(await f.store.sessions({ from: Number.NaN, to: Number.NaN, limit: -1 })).toEqual([]);
        expect(await f.store.sessions({ from: Number.NaN, limit: 5 })).toHaveLength(1);
        expect(await f.store.verdicts({ limit: 1e12 })).toEqual([]);
        expect(
          (await f.store.rttSeries({ target: 'nope', leg: 'edge', from: T0, to: T0 + 1 })).points,
        ).toEqual([]);
        expect(
          (await f.store.rttSeries({ target: 'api', leg: 'edge', from: T0 + 10, to: T0 })).points,
        ).toEqual([]);
        await expect(
          f.store.rttSeries({ target: 'api', leg: 'edge', from: Number.NaN, to: T0 }),
        ).rejects.toThrow(/rtt range must be finite/);
        await expect(
          f.store.createIncident({ target: 'api', from: Number.NaN, to: T0, title: 't', note: '' }),
        ).rejects.toThrow(RangeError);
        await expect(
          f.store.createIncident({ target: 'api', from: T0, to: T0 - 1, title: 't', note: '' }),
        ).rejects.toThrow(/from <= to/);
        expect(await f.store.incidents({ limit: 10 })).toEqual([]);
      });

      it('takes bounds in fractional milliseconds as the instants they are', async () => {
        const f = await open({ now: () => T0 + 10 * MINUTE });
        f.publish(sessionOpen('api', 'edge', 's', T0), rtt('api', 'edge', 's', T0 + 1_000, 7), {
          kind: 'prober_stall',
          ts: T0,
          target: null,
          leg: null,
          delayMs: 1_500,
          thresholdMs: 1_000,
        });
        expect(await f.store.stalls({ from: T0 - 0.5, to: T0 + 0.5 })).toEqual([stall(T0, 1_500)]);
        expect(await f.store.stalls({ from: T0 + 0.5, to: T0 + 1.5 })).toEqual([]);
        expect((await f.store.sessions({ from: T0 + 0.5, to: T0 + 0.5, limit: 5 })).map((s) => s.id)).toEqual(
          ['s'],
        );
        expect(await f.store.rttSamples({ target: 'api', from: T0 + 999.5, to: T0 + 1_000.5 })).toHaveLength(
          1,
        );
        const series = await f.store.rttSeries({
          target: 'api',
          leg: 'edge',
          from: T0 + 0.5,
          to: T0 + 60_000.5,
        });
        expect(series.points.reduce((sum, p) => sum + p.n, 0)).toBe(1);
      });

      it('reports events after close instead of throwing into the prober', async () => {
        const f = await open();
        await f.store.close();
        expect(() => f.bus.publish(rtt('api', 'edge', 's', T0, 1))).not.toThrow();
        expect(f.errors.at(-1)?.context).toMatch(/not stored/);
        await f.reopen();
        expect(await f.store.after(0, 10)).toEqual([]);
      });
    });
  });
}
