// RTT storage: one raw row per heartbeat (kept for the raw window), and one rollup row per leg and minute
// (kept for the whole retention) so a day-long chart reads 1,440 rows instead of 86,400.
//
// How rollups stay exact: each minute's samples are also kept in memory until the minute is over plus a
// grace period (lost heartbeats are reported late, up to one timeout after they were sent); then the
// minute's exact statistics are written in the same flush. A minute that may have rows not held in memory
// (samples from before a restart, or a sample arriving after its minute was already rolled up) is
// "partial" and is recomputed from its raw rows instead. After a crash, minutes from the
// `rollup_pending_from` mark (persisted with every flush) are rebuilt from raw rows on open.
import type { RttEvent, RttPoint, RttResponse } from '@hopwatch/shared/protocol';
import {
  bucketSamples,
  bucketStart,
  chooseStep,
  mergePoints,
  RTT_ROLLUP_MS,
  type RttObservation,
  summarize,
} from '@hopwatch/shared/series';
import { type BatchedWriter, type RowErrorReporter, writeEach } from './batch.js';
import { type Db, finiteOrNull, readMeta, writeMeta } from './db.js';
import type { LegRef } from './legs.js';
import type { RttSample } from './store.js';

const PENDING_MARK = 'rollup_pending_from';

/**
 * Raw buckets give exact percentiles but cost one row per heartbeat; a range holding more heartbeats than
 * this is drawn from rollups (1-minute buckets) instead, which keeps every chart a few milliseconds. At one
 * heartbeat a second that is about 5.5 h; at the default 10 s, any range short enough for sub-minute steps.
 */
export const RAW_SERIES_MAX_ROWS = 20_000;

/**
 * Every leg's minute ends at the same moment; rolling up 5,000 of them in one flush would block the event
 * loop for tens of milliseconds, so each flush rolls up at most this many and the next flush goes on.
 */
export const ROLLUPS_PER_FLUSH = 500;

interface RawRow {
  legId: number;
  ts: number;
  eventSeq: number;
  sessionId: string;
  hbSeq: number;
  rttMs: number | null;
  suspect: boolean;
}

interface OpenMinute {
  samples: RttObservation[];
  /** rows for this minute may exist that are not in `samples`: recompute from raw rows */
  partial: boolean;
}

export interface RttTableOptions {
  now: () => number;
  report: RowErrorReporter;
  /** raw samples older than this are pruned; older ranges are served from rollups */
  rawRetentionMs: number;
  /** how long after a minute ends its rollup waits for late samples */
  graceMs: number;
}

type RawTuple = [ts: number, rttMs: number | null, suspect: number];

export class RttTable implements BatchedWriter {
  #pendingRaw: RawRow[] = [];
  /** per leg id: minute start → samples not yet rolled up */
  readonly #openMinutes = new Map<number, Map<number, OpenMinute>>();
  /** minutes before this may already have a rollup or raw rows not in memory */
  #settledBefore: number;
  /** filled by write(), applied by committed() */
  #rolledUp: [legId: number, minute: number][] = [];
  readonly #db: Db;
  readonly #options: RttTableOptions;
  readonly #statements;

  constructor(db: Db, options: RttTableOptions) {
    this.#db = db;
    this.#options = options;
    this.#settledBefore = bucketStart(options.now(), RTT_ROLLUP_MS) + RTT_ROLLUP_MS;
    this.#statements = {
      insertRaw: db.prepare(
        'INSERT INTO rtt_raw (leg_id, ts, event_seq, session_id, hb_seq, rtt_ms, suspect) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      upsertRollup: db.prepare(
        'INSERT OR REPLACE INTO rtt_rollup (leg_id, minute, n, min, p50, p99, max, lost, suspect) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      rawRange: db
        .prepare<[number, number, number], RawTuple>(
          'SELECT ts, rtt_ms, suspect FROM rtt_raw WHERE leg_id = ? AND ts >= ? AND ts < ? ORDER BY ts',
        )
        .raw(true),
      samples: db.prepare<
        [number, number, number],
        { ts: number; sessionId: string; seq: number; rttMs: number | null; suspect: number }
      >(
        'SELECT ts, session_id AS sessionId, hb_seq AS seq, rtt_ms AS rttMs, suspect FROM rtt_raw ' +
          'WHERE leg_id = ? AND ts >= ? AND ts < ? ORDER BY ts',
      ),
      rollups: db.prepare<[number, number, number], RttPoint>(
        'SELECT minute AS t, n, min, p50, p99, max, lost, suspect FROM rtt_rollup ' +
          'WHERE leg_id = ? AND minute >= ? AND minute < ? ORDER BY minute',
      ),
      rollupHeartbeats: db.prepare<[number, number, number], { count: number }>(
        'SELECT COALESCE(SUM(n + lost), 0) AS count FROM rtt_rollup WHERE leg_id = ? AND minute >= ? AND minute < ?',
      ),
      lastAnswered: db.prepare<[number, number, string], { ts: number }>(
        'SELECT ts FROM rtt_raw WHERE leg_id = ? AND ts >= ? AND session_id = ? AND rtt_ms IS NOT NULL ' +
          'ORDER BY ts DESC LIMIT 1',
      ),
      maxTs: db.prepare<[number], { ts: number | null }>(
        'SELECT MAX(ts) AS ts FROM rtt_raw WHERE leg_id = ?',
      ),
      pruneRaw: db.prepare<[number, number, number, number]>(
        'DELETE FROM rtt_raw WHERE leg_id = ? AND (ts, event_seq) IN ' +
          '(SELECT ts, event_seq FROM rtt_raw WHERE leg_id = ? AND ts < ? LIMIT ?)',
      ),
      pruneRollups: db.prepare<[number, number, number, number]>(
        'DELETE FROM rtt_rollup WHERE leg_id = ? AND minute IN ' +
          '(SELECT minute FROM rtt_rollup WHERE leg_id = ? AND minute < ? LIMIT ?)',
      ),
    };
  }

  get pendingRows(): number {
    return this.#pendingRaw.length;
  }

  /**
   * Rebuilds rollups a crash left unwritten and marks every minute up to now (or up to the newest raw
   * sample, should the clock have gone back) as possibly holding rows from before this run.
   */
  recover(legs: readonly LegRef[]): void {
    const pendingFrom = readMeta(this.#db, PENDING_MARK);
    this.#db.transaction(() => {
      for (const leg of legs) {
        const newest = this.#statements.maxTs.get(leg.id)?.ts ?? null;
        if (newest === null) continue;
        this.#settledBefore = Math.max(
          this.#settledBefore,
          bucketStart(newest, RTT_ROLLUP_MS) + RTT_ROLLUP_MS,
        );
        if (pendingFrom === null) continue;
        const from = bucketStart(pendingFrom, RTT_ROLLUP_MS);
        const minutes = bucketSamples(this.#observations(leg.id, from, newest + 1), RTT_ROLLUP_MS);
        for (const point of minutes) this.#writeRollup(leg.id, point);
      }
      writeMeta(this.#db, PENDING_MARK, null);
    })();
  }

  queue(legId: number, event: RttEvent, eventSeq: number): void {
    const ts = finiteOrNull(event.ts);
    if (ts === null) {
      this.#options.report(new RangeError(`rtt event ${eventSeq} has no valid ts`), 'rtt sample');
      return;
    }
    const rttMs = finiteOrNull(event.rttMs);
    const suspect = event.suspect === true;
    this.#pendingRaw.push({
      legId,
      ts,
      eventSeq,
      sessionId: String(event.sessionId),
      hbSeq: finiteOrNull(event.seq) ?? -1,
      rttMs,
      suspect,
    });
    const minute = bucketStart(ts, RTT_ROLLUP_MS);
    let minutes = this.#openMinutes.get(legId);
    if (!minutes) {
      minutes = new Map();
      this.#openMinutes.set(legId, minutes);
    }
    let open = minutes.get(minute);
    if (!open) {
      open = { samples: [], partial: minute < this.#settledBefore };
      minutes.set(minute, open);
    }
    open.samples.push({ ts, rttMs, suspect });
  }

  /** Some minute is over (plus grace) but not rolled up yet. */
  hasMinutesDue(): boolean {
    const dueBefore = this.#dueBefore();
    for (const minutes of this.#openMinutes.values()) {
      for (const minute of minutes.keys()) if (minute <= dueBefore) return true;
    }
    return false;
  }

  write(closing: boolean): void {
    const { insertRaw } = this.#statements;
    writeEach(
      this.#pendingRaw,
      (r) => insertRaw.run(r.legId, r.ts, r.eventSeq, r.sessionId, r.hbSeq, r.rttMs, r.suspect ? 1 : 0),
      this.#options.report,
      'rtt sample',
    );
    // Closing writes the minutes still in progress too; the next run treats them as partial.
    const dueBefore = closing
      ? Number.POSITIVE_INFINITY
      : this.#options.now() - RTT_ROLLUP_MS - this.#options.graceMs;
    this.#rolledUp = [];
    let pendingFrom: number | null = null;
    for (const [legId, minutes] of this.#openMinutes) {
      for (const [minute, open] of minutes) {
        if (minute <= dueBefore && (closing || this.#rolledUp.length < ROLLUPS_PER_FLUSH)) {
          const samples = open.partial
            ? this.#observations(legId, minute, minute + RTT_ROLLUP_MS)
            : open.samples;
          this.#writeRollup(legId, summarize(minute, samples));
          this.#rolledUp.push([legId, minute]);
        } else if (pendingFrom === null || minute < pendingFrom) {
          pendingFrom = minute;
        }
      }
    }
    writeMeta(this.#db, PENDING_MARK, pendingFrom);
  }

  committed(): void {
    this.#pendingRaw = [];
    for (const [legId, minute] of this.#rolledUp) {
      const minutes = this.#openMinutes.get(legId);
      minutes?.delete(minute);
      if (minutes?.size === 0) this.#openMinutes.delete(legId);
      this.#settledBefore = Math.max(this.#settledBefore, minute + RTT_ROLLUP_MS);
    }
    this.#rolledUp = [];
  }

  discard(): void {
    this.#pendingRaw = [];
    this.#rolledUp = [];
  }

  /** Raw samples of some legs in [from, to), each leg's in time order, the legs in the order given. */
  samples(legs: readonly LegRef[], from: number, to: number): RttSample[] {
    const result: RttSample[] = [];
    for (const leg of legs) {
      for (const row of this.#statements.samples.all(leg.id, from, to)) {
        result.push({ target: leg.target, leg: leg.leg, ...row, suspect: row.suspect !== 0 });
      }
    }
    return result;
  }

  /**
   * The chart series of one leg over [from, to): raw buckets while the range is short, holds at most
   * RAW_SERIES_MAX_ROWS heartbeats and its raw samples still exist; otherwise merged 1-minute rollups
   * (whole minutes touching the range). Minutes not rolled up yet (the last one or two) are summarized
   * from their raw rows.
   */
  series(leg: LegRef | undefined, from: number, to: number, stepMs?: number): RttResponse {
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      throw new RangeError(`rtt range must be finite epoch ms, got from=${from} to=${to}`);
    }
    const rawHorizon = this.#options.now() - this.#options.rawRetentionMs;
    let step = chooseStep({
      from,
      to,
      requestedMs: stepMs,
      minMs: from < rawHorizon ? RTT_ROLLUP_MS : undefined,
    });
    if (!leg || !(to > from)) return { step, points: [] };
    if (step < RTT_ROLLUP_MS && this.#heartbeatsIn(leg.id, from, to) > RAW_SERIES_MAX_ROWS) {
      step = chooseStep({ from, to, requestedMs: stepMs, minMs: RTT_ROLLUP_MS });
    }
    if (step < RTT_ROLLUP_MS)
      return { step, points: bucketSamples(this.#observations(leg.id, from, to), step) };

    const firstMinute = bucketStart(from, RTT_ROLLUP_MS);
    const openFrom = this.#firstOpenMinute(leg.id);
    const rolledUpTo = openFrom === null ? to : Math.min(to, Math.max(openFrom, firstMinute));
    const minutes: RttPoint[] = this.#statements.rollups.all(leg.id, firstMinute, rolledUpTo);
    if (rolledUpTo < to) {
      minutes.push(...bucketSamples(this.#observations(leg.id, rolledUpTo, to), RTT_ROLLUP_MS));
    }
    return { step, points: mergePoints(minutes, step) };
  }

  /** The last answered heartbeat of a session: where a session orphaned by a crash is closed. */
  lastAnsweredAt(legId: number, sessionId: string, openedAt: number): number | null {
    return this.#statements.lastAnswered.get(legId, openedAt, sessionId)?.ts ?? null;
  }

  pruneRawSome(legId: number, before: number, limit: number): number {
    return this.#statements.pruneRaw.run(legId, legId, before, limit).changes;
  }

  pruneRollupsSome(legId: number, before: number, limit: number): number {
    return this.#statements.pruneRollups.run(legId, legId, before, limit).changes;
  }

  /** Heartbeats of a leg in [from, to), counted from the rollups and the minutes held in memory. */
  #heartbeatsIn(legId: number, from: number, to: number): number {
    const firstMinute = bucketStart(from, RTT_ROLLUP_MS);
    let count = this.#statements.rollupHeartbeats.get(legId, firstMinute, to)?.count ?? 0;
    for (const [minute, open] of this.#openMinutes.get(legId) ?? []) {
      if (minute >= firstMinute && minute < to) count += open.samples.length;
    }
    return count;
  }

  /** minutes starting at or before this are over, grace included */
  #dueBefore(): number {
    return this.#options.now() - RTT_ROLLUP_MS - this.#options.graceMs;
  }

  #firstOpenMinute(legId: number): number | null {
    const minutes = this.#openMinutes.get(legId);
    if (!minutes || minutes.size === 0) return null;
    return Math.min(...minutes.keys());
  }

  #observations(legId: number, from: number, to: number): RttObservation[] {
    return this.#statements.rawRange
      .all(legId, from, to)
      .map(([ts, rttMs, suspect]) => ({ ts, rttMs, suspect: suspect !== 0 }));
  }

  #writeRollup(legId: number, p: RttPoint): void {
    this.#statements.upsertRollup.run(legId, p.t, p.n, p.min, p.p50, p.p99, p.max, p.lost, p.suspect);
  }
}
