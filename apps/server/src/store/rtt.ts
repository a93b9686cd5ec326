// RTT storage: raw heartbeats as one chunk per leg and minute (kept for the raw window, see rtt-chunk.ts),
// and one rollup per leg and minute (kept for the whole retention), so a day-long chart reads 1,440 rows.
//
// A minute's samples are held in memory until the minute is over plus a grace period (lost heartbeats are
// reported late, up to one timeout after they were sent); then its chunk and its exact rollup are written
// in one flush. Until then the event log, written every flush, is what makes them durable: on open, the
// rtt events from the `rtt_open_from` mark (persisted with every flush) are read back into memory. A
// minute that may already have a chunk (a sample arriving after its minute was written, or a minute
// rebuilt after a restart) is "partial" and is merged with the stored chunk, each heartbeat once.
import type { RttEvent, RttPoint, RttResponse, StoredEvent } from '@hopwatch/shared/protocol';
import {
  bucketSamples,
  bucketStart,
  chooseStep,
  mergePoints,
  RTT_ROLLUP_MS,
  summarize,
} from '@hopwatch/shared/series';
import { SlotMap } from '../events/leg-slots.js';
import type { BatchedWriter, RowErrorReporter } from './batch.js';
import { type Db, finiteOrNull, readMeta, writeMeta } from './db.js';
import type { LegRef, LegRegistry } from './legs.js';
import { MinuteSamples } from './minute-samples.js';
import { decodeChunk, encodeChunk, mergeSamples, type StoredSample } from './rtt-chunk.js';
import type { RttSample } from './store.js';

const OPEN_MARK = 'rtt_open_from';

/**
 * Raw buckets give exact percentiles but cost one sample per heartbeat; a range holding more heartbeats
 * than this is drawn from rollups (1-minute buckets) instead, which keeps every chart a few milliseconds.
 * At one heartbeat a second that is about 5.5 h; at the default 10 s, any range short enough for
 * sub-minute steps.
 */
export const RAW_SERIES_MAX_ROWS = 20_000;

/**
 * Every leg's minute ends at the same moment; writing 5,000 of them in one flush would block the event
 * loop for tens of milliseconds, so each flush writes at most this many and the next flush goes on.
 */
export const ROLLUPS_PER_FLUSH = 200;

interface OpenMinute {
  /** its start */
  minute: number;
  samples: MinuteSamples;
  /** a chunk for this minute may already be stored: merge with it */
  partial: boolean;
}

export interface RttTableOptions {
  now: () => number;
  report: RowErrorReporter;
  /** chunks older than this are pruned; older ranges are served from rollups */
  rawRetentionMs: number;
  /** how long after a minute ends it waits for late samples */
  graceMs: number;
}

export class RttTable implements BatchedWriter {
  /** per leg id: minute start → samples not written yet */
  readonly #openMinutes = new Map<number, Map<number, OpenMinute>>();
  /**
   * per leg id (small, dense): the open minute its last sample went to, which nearly every next sample goes to
   * as well; two hash lookups per sample in maps of 10,000 legs were a large part of queueing it. Dropped with
   * the minute once it is written.
   */
  readonly #lastOpen = new SlotMap<OpenMinute>();
  /**
   * minute start → how many legs hold it open. Every flush asks whether a minute is due and where the open ones
   * start; at 10,000 legs, walking every leg's minutes for that ten times a second was most of a flush.
   */
  readonly #legsByMinute = new Map<number, number>();
  /**
   * written minutes' samples, emptied for legs' next minutes (minute-samples.ts): at most one per leg with a
   * minute open, so a leg that goes away does not leave its minutes here
   */
  readonly #spareSamples: MinuteSamples[] = [];
  /** per leg id: the newest minute with a stored chunk; a sample at or before it may need merging */
  readonly #newestChunk = new Map<number, number>();
  /** filled by write(), applied by committed() */
  #written: [legId: number, minute: number][] = [];
  readonly #db: Db;
  readonly #options: RttTableOptions;
  readonly #statements;

  constructor(db: Db, options: RttTableOptions) {
    this.#db = db;
    this.#options = options;
    this.#statements = {
      upsertChunk: db.prepare<[number, number, string]>(
        'INSERT OR REPLACE INTO rtt_chunks (leg_id, minute, samples) VALUES (?, ?, ?)',
      ),
      chunk: db.prepare<[number, number], { samples: string }>(
        'SELECT samples FROM rtt_chunks WHERE leg_id = ? AND minute = ?',
      ),
      chunks: db.prepare<[number, number, number], { minute: number; samples: string }>(
        'SELECT minute, samples FROM rtt_chunks WHERE leg_id = ? AND minute >= ? AND minute < ? ORDER BY minute',
      ),
      chunksNewestFirst: db.prepare<[number, number], { minute: number; samples: string }>(
        'SELECT minute, samples FROM rtt_chunks WHERE leg_id = ? AND minute >= ? ORDER BY minute DESC',
      ),
      newestChunk: db.prepare<[number], { minute: number | null }>(
        'SELECT MAX(minute) AS minute FROM rtt_chunks WHERE leg_id = ?',
      ),
      upsertRollup: db.prepare(
        'INSERT OR REPLACE INTO rtt_rollup (leg_id, minute, n, min, p50, p99, max, lost, suspect) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      rollups: db.prepare<[number, number, number], RttPoint>(
        'SELECT minute AS t, n, min, p50, p99, max, lost, suspect FROM rtt_rollup ' +
          'WHERE leg_id = ? AND minute >= ? AND minute < ? ORDER BY minute',
      ),
      rollupHeartbeats: db.prepare<[number, number, number], { count: number }>(
        'SELECT COALESCE(SUM(n + lost), 0) AS count FROM rtt_rollup WHERE leg_id = ? AND minute >= ? AND minute < ?',
      ),
      pruneChunks: db.prepare<[number, number, number, number]>(
        'DELETE FROM rtt_chunks WHERE leg_id = ? AND minute IN ' +
          '(SELECT minute FROM rtt_chunks WHERE leg_id = ? AND minute < ? LIMIT ?)',
      ),
      pruneRollups: db.prepare<[number, number, number, number]>(
        'DELETE FROM rtt_rollup WHERE leg_id = ? AND minute IN ' +
          '(SELECT minute FROM rtt_rollup WHERE leg_id = ? AND minute < ? LIMIT ?)',
      ),
    };
  }

  /** Nothing waits in a queue: samples are written as chunks when their minute is over. */
  get pendingRows(): number {
    return 0;
  }

  /** Reads back into memory the minutes that were still open when the previous run stopped or crashed. */
  recover(legs: LegRegistry, rttEventsSince: (ts: number) => StoredEvent[]): void {
    for (const leg of legs.all()) {
      const newest = this.#statements.newestChunk.get(leg.id)?.minute ?? null;
      if (newest !== null) this.#newestChunk.set(leg.id, newest);
    }
    const openFrom = readMeta(this.#db, OPEN_MARK);
    if (openFrom === null) return;
    for (const { seq, event } of rttEventsSince(openFrom)) {
      if (event.kind === 'rtt') this.queue(legs.ensure(event.target, event.leg).id, event, seq);
    }
  }

  queue(legId: number, event: RttEvent, eventSeq: number): void {
    const ts = finiteOrNull(event.ts);
    if (ts === null) {
      this.#options.report(new RangeError(`rtt event ${eventSeq} has no valid ts`), 'rtt sample');
      return;
    }
    const minute = bucketStart(ts, RTT_ROLLUP_MS);
    let open = this.#lastOpen.get(legId);
    if (open === undefined || open.minute !== minute) {
      open = this.#openMinute(legId, minute);
      this.#lastOpen.set(legId, open);
    }
    open.samples.push(
      ts,
      finiteOrNull(event.rttMs),
      event.suspect === true,
      String(event.sessionId),
      finiteOrNull(event.seq) ?? -1,
      eventSeq,
    );
  }

  #openMinute(legId: number, minute: number): OpenMinute {
    let minutes = this.#openMinutes.get(legId);
    if (!minutes) {
      minutes = new Map();
      this.#openMinutes.set(legId, minutes);
    }
    let open = minutes.get(minute);
    if (!open) {
      open = {
        minute,
        samples: this.#spareSamples.pop() ?? new MinuteSamples(),
        partial: minute <= (this.#newestChunk.get(legId) ?? Number.NEGATIVE_INFINITY),
      };
      minutes.set(minute, open);
      this.#legsByMinute.set(minute, (this.#legsByMinute.get(minute) ?? 0) + 1);
    }
    return open;
  }

  /**
   * The start of the oldest minute not written yet, or null: its rtt events in the event log are what
   * `recover` reads back after a crash, so retention must not delete them before the minute is written.
   */
  oldestOpenMinute(): number | null {
    let oldest: number | null = null;
    for (const minute of this.#legsByMinute.keys()) if (oldest === null || minute < oldest) oldest = minute;
    return oldest;
  }

  /** Some minute is over (plus grace) but not written yet. */
  hasMinutesDue(): boolean {
    const oldest = this.oldestOpenMinute();
    return oldest !== null && oldest <= this.#dueBefore();
  }

  write(closing: boolean): void {
    // Closing writes the minutes still in progress too; the next run merges what it adds to them.
    const dueBefore = closing ? Number.POSITIVE_INFINITY : this.#dueBefore();
    this.#written = [];
    const oldest = this.oldestOpenMinute();
    if (oldest === null || oldest > dueBefore) {
      // Nothing due (nearly every flush): only the mark of where the open minutes start.
      writeMeta(this.#db, OPEN_MARK, oldest);
      return;
    }
    let openFrom: number | null = null;
    for (const [legId, minutes] of this.#openMinutes) {
      for (const [minute, open] of minutes) {
        if (minute <= dueBefore && (closing || this.#written.length < ROLLUPS_PER_FLUSH)) {
          const samples = mergeSamples(
            open.partial ? this.#storedChunk(legId, minute) : [],
            open.samples.toArray(),
          );
          this.#statements.upsertChunk.run(legId, minute, encodeChunk(minute, samples));
          this.#writeRollup(legId, summarize(minute, samples));
          this.#written.push([legId, minute]);
        } else if (openFrom === null || minute < openFrom) {
          openFrom = minute;
        }
      }
    }
    writeMeta(this.#db, OPEN_MARK, openFrom);
  }

  committed(): void {
    for (const [legId, minute] of this.#written) {
      const minutes = this.#openMinutes.get(legId);
      // a later sample of this minute starts a new (partial) one, merged with the chunk just written
      if (this.#lastOpen.get(legId)?.minute === minute) this.#lastOpen.delete(legId);
      const open = minutes?.get(minute);
      if (open && minutes?.delete(minute)) {
        // Nothing else holds a written minute's samples (reads copy them): the leg's next minute takes them.
        open.samples.clear();
        if (this.#spareSamples.length < this.#openMinutes.size) this.#spareSamples.push(open.samples);
        const legs = (this.#legsByMinute.get(minute) ?? 1) - 1;
        if (legs > 0) this.#legsByMinute.set(minute, legs);
        else this.#legsByMinute.delete(minute);
      }
      if (minutes?.size === 0) this.#openMinutes.delete(legId);
      this.#newestChunk.set(legId, Math.max(minute, this.#newestChunk.get(legId) ?? minute));
    }
    this.#written = [];
  }

  /** Samples in memory are also in the event log, which a failed flush did not lose: nothing to forget. */
  discard(): void {
    this.#written = [];
  }

  /** Raw samples of some legs in [from, to), each leg's in time order, the legs in the order given. */
  samples(legs: readonly LegRef[], from: number, to: number): RttSample[] {
    const result: RttSample[] = [];
    for (const leg of legs) {
      for (const s of this.#samplesIn(leg.id, from, to)) {
        result.push({
          target: leg.target,
          leg: leg.leg,
          sessionId: s.sessionId,
          ts: s.ts,
          seq: s.hbSeq,
          rttMs: s.rttMs,
          suspect: s.suspect,
        });
      }
    }
    return result;
  }

  /**
   * The chart series of one leg over [from, to): raw buckets while the range is short, holds at most
   * RAW_SERIES_MAX_ROWS heartbeats and its raw samples still exist; otherwise merged 1-minute rollups
   * (whole minutes touching the range). Minutes not written yet (the last one or two) are summarized
   * from memory.
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
    if (step < RTT_ROLLUP_MS) return { step, points: bucketSamples(this.#samplesIn(leg.id, from, to), step) };

    const firstMinute = bucketStart(from, RTT_ROLLUP_MS);
    const openFrom = this.#firstOpenMinute(leg.id);
    const writtenTo = openFrom === null ? to : Math.min(to, Math.max(openFrom, firstMinute));
    const minutes: RttPoint[] = this.#statements.rollups.all(leg.id, firstMinute, writtenTo);
    if (writtenTo < to) {
      minutes.push(...bucketSamples(this.#samplesIn(leg.id, writtenTo, to), RTT_ROLLUP_MS));
    }
    return { step, points: mergePoints(minutes, step) };
  }

  /** The last answered heartbeat of a session: where a session orphaned by a crash is closed. */
  lastAnsweredAt(legId: number, sessionId: string, openedAt: number): number | null {
    const answered = (samples: readonly StoredSample[]) => {
      for (let i = samples.length - 1; i >= 0; i -= 1) {
        const s = samples[i];
        if (s && s.sessionId === sessionId && s.rttMs !== null && s.ts >= openedAt) return s.ts;
      }
      return null;
    };
    const open = [...(this.#openMinutes.get(legId)?.entries() ?? [])].sort(([a], [b]) => b - a);
    for (const [, minute] of open) {
      const found = answered(minute.samples.toArray());
      if (found !== null) return found;
    }
    for (const row of this.#statements.chunksNewestFirst.iterate(
      legId,
      bucketStart(openedAt, RTT_ROLLUP_MS),
    )) {
      const found = answered(this.#decode(legId, row.minute, row.samples));
      if (found !== null) return found;
    }
    return null;
  }

  pruneChunksSome(legId: number, before: number, limit: number): number {
    // A chunk goes once its whole minute is older than the cutoff.
    return this.#statements.pruneChunks.run(legId, legId, before - RTT_ROLLUP_MS, limit).changes;
  }

  pruneRollupsSome(legId: number, before: number, limit: number): number {
    return this.#statements.pruneRollups.run(legId, legId, before, limit).changes;
  }

  /** Stored chunks merged with the minutes in memory, samples in [from, to) in time order. */
  #samplesIn(legId: number, from: number, to: number): StoredSample[] {
    const byMinute = new Map<number, StoredSample[]>();
    for (const row of this.#statements.chunks.all(legId, bucketStart(from, RTT_ROLLUP_MS), to)) {
      byMinute.set(row.minute, this.#decode(legId, row.minute, row.samples));
    }
    for (const [minute, open] of this.#openMinutes.get(legId) ?? []) {
      if (minute + RTT_ROLLUP_MS <= from || minute >= to) continue;
      const stored = byMinute.get(minute);
      const samples = open.samples.toArray();
      byMinute.set(minute, stored && open.partial ? mergeSamples(stored, samples) : samples);
    }
    const samples: StoredSample[] = [];
    for (const minute of [...byMinute.keys()].sort((a, b) => a - b)) {
      for (const s of byMinute.get(minute) ?? []) if (s.ts >= from && s.ts < to) samples.push(s);
    }
    // A minute still in memory holds its samples in arrival order; a late lost heartbeat may come last.
    return samples.sort((a, b) => a.ts - b.ts);
  }

  #storedChunk(legId: number, minute: number): StoredSample[] {
    const row = this.#statements.chunk.get(legId, minute);
    return row ? this.#decode(legId, minute, row.samples) : [];
  }

  #decode(legId: number, minute: number, text: string): StoredSample[] {
    try {
      return decodeChunk(minute, text);
    } catch (error) {
      // Only a damaged file could get here; the minute reads as empty rather than failing every chart.
      this.#options.report(error, `rtt chunk of leg ${legId} at ${minute} is damaged`);
      return [];
    }
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

  #writeRollup(legId: number, p: RttPoint): void {
    this.#statements.upsertRollup.run(legId, p.t, p.n, p.min, p.p50, p.p99, p.max, p.lost, p.suspect);
  }
}
