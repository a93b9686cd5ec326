// The event log: every published event with its seq, for GET /api/events and live resume (`since`).
// Most events are one `events` row each; rtt events, the bulk of the log, are one `rtt_event_batches` row per
// flush and minute (migration 005), as numbers since migration 006 (rtt-event-block.ts), and every read merges
// the two by seq.
import type { HopEvent, RttEvent, StoredEvent } from '@hopwatch/shared/protocol';
import { type BatchedWriter, type RowErrorReporter, writeEach } from './batch.js';
import { clampLimit, type Db, finiteOrNull } from './db.js';
import { decodeRttEventBlock, RttBlockNames, RttEventBlock } from './rtt-event-block.js';
import { readStoredEvent } from './stored-verdict.js';

interface EventRow {
  seq: number;
  ts: number;
  /** kept beside the body so retention can prune rtt events sooner than the rest without parsing JSON */
  kind: string | null;
  body: string;
}

/**
 * Deletes a step of rtt events older than a time. 'rtt' is a literal, not a parameter, so SQLite can use
 * the partial index events_rtt_by_ts (migration 003); exported so a test can check the query plan.
 */
export const PRUNE_RTT_EVENTS_SQL =
  "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE kind = 'rtt' AND ts < ? LIMIT ?)";

/** The most events one `after` call returns, whatever the caller asks for. */
export const MAX_EVENTS_PAGE = 10_000;

interface BatchRow {
  first_seq: number;
  /** migration 006's numbers (a Buffer), or 005's JSON array of [seq, event] when `strings` is null */
  body: Uint8Array | string;
  strings: string | null;
}

export class EventLog implements BatchedWriter {
  #pending: EventRow[] = [];
  /** the rtt events queued, one block per minute they fall in (a flush usually spans one, two at its turn) */
  #pendingRtt: RttEventBlock[] = [];
  #pendingRttEvents = 0;
  /** where the blocks' names stand, shared from block to block (rtt-event-block.ts) */
  readonly #blockNames = new RttBlockNames();
  readonly #report: RowErrorReporter;
  readonly #now: () => number;
  readonly #insert;
  readonly #after;
  readonly #maxSeq;
  readonly #prune;
  readonly #pruneRtt;
  readonly #legacyRtt;
  readonly #insertBatch;
  readonly #batchesAfter;
  readonly #batchesSince;
  readonly #maxBatchSeq;
  readonly #pruneBatches;

  constructor(db: Db, options: { report: RowErrorReporter; now: () => number }) {
    this.#report = options.report;
    this.#now = options.now;
    this.#insert = db.prepare<[number, number, string | null, string]>(
      'INSERT INTO events (seq, ts, kind, body) VALUES (?, ?, ?, ?)',
    );
    this.#after = db.prepare<[number, number], { seq: number; body: string }>(
      'SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.#maxSeq = db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM events');
    this.#prune = db.prepare<[number, number]>(
      'DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE ts < ? LIMIT ?)',
    );
    this.#pruneRtt = db.prepare<[number, number]>(PRUNE_RTT_EVENTS_SQL);
    this.#legacyRtt = db.prepare<[number], { seq: number; body: string }>(
      "SELECT seq, body FROM events WHERE ts >= ? AND (kind = 'rtt' OR kind IS NULL) ORDER BY seq",
    );
    this.#insertBatch = db.prepare<[number, number, number, number, Buffer, string]>(
      'INSERT INTO rtt_event_batches (first_seq, last_seq, first_ts, last_ts, body, strings) ' +
        'VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#batchesAfter = db.prepare<[number], BatchRow>(
      'SELECT first_seq, body, strings FROM rtt_event_batches WHERE last_seq > ? ORDER BY first_seq',
    );
    this.#batchesSince = db.prepare<[number], BatchRow>(
      'SELECT first_seq, body, strings FROM rtt_event_batches WHERE last_ts >= ? ORDER BY first_seq',
    );
    this.#maxBatchSeq = db.prepare<[], { seq: number | null }>(
      'SELECT MAX(last_seq) AS seq FROM rtt_event_batches',
    );
    this.#pruneBatches = db.prepare<[number, number]>(
      'DELETE FROM rtt_event_batches WHERE first_seq IN ' +
        '(SELECT first_seq FROM rtt_event_batches WHERE last_ts < ? LIMIT ?)',
    );
  }

  get pendingRows(): number {
    return this.#pending.length + this.#pendingRttEvents;
  }

  /** Snapshots the event now (rtt events as numbers, the rest as JSON), so a producer changing its object later cannot change history. */
  queue(seq: number, event: HopEvent, slot?: number): void {
    if (event.kind === 'rtt') {
      this.#queueRtt(seq, event, slot);
      return;
    }
    let body: string;
    try {
      body = JSON.stringify(event);
    } catch (error) {
      this.#report(error, `event ${seq} cannot be serialized`);
      return;
    }
    const kind = typeof event.kind === 'string' ? event.kind : null;
    const ts = finiteOrNull(event.ts) ?? this.#now();
    this.#pending.push({ seq, ts, kind, body });
  }

  /** `slot`: the event's leg slot, if it carries one (events/leg-slots.ts) */
  #queueRtt(seq: number, event: RttEvent, slot?: number): void {
    const ts = finiteOrNull(event.ts) ?? this.#now();
    const minute = minuteOf(ts);
    let block = this.#pendingRtt[this.#pendingRtt.length - 1];
    if (block === undefined || block.minute !== minute) {
      block = new RttEventBlock(minute, this.#blockNames);
      this.#pendingRtt.push(block);
    }
    block.add(seq, event, ts, slot);
    this.#pendingRttEvents += 1;
  }

  write(): void {
    writeEach(
      this.#pending,
      (row) => this.#insert.run(row.seq, row.ts, row.kind, row.body),
      this.#report,
      'event',
    );
    // One row per minute of the flush's rtt events, so retention (which deletes whole rows) keeps an hour of them
    // to within a minute.
    writeEach(
      this.#pendingRtt,
      (block) => {
        const row = block.encode();
        this.#insertBatch.run(row.firstSeq, row.lastSeq, row.firstTs, row.lastTs, row.samples, row.strings);
      },
      this.#report,
      'rtt events',
    );
  }

  committed(): void {
    this.#forget();
  }

  discard(): void {
    this.#forget();
  }

  #forget(): void {
    this.#pending = [];
    this.#pendingRtt = [];
    this.#pendingRttEvents = 0;
  }

  maxSeq(): number {
    return Math.max(this.#maxSeq.get()?.seq ?? 0, this.#maxBatchSeq.get()?.seq ?? 0);
  }

  after(since: number, limit: number): StoredEvent[] {
    const from = Number.isFinite(since) ? Math.max(0, Math.floor(since)) : 0;
    const max = clampLimit(limit, MAX_EVENTS_PAGE);
    const singles: StoredEvent[] = [];
    for (const row of this.#after.all(from, max)) {
      const event = this.#parse(row.body, row.seq);
      if (event) singles.push({ seq: row.seq, event });
    }
    // The first `max` rtt events after `from`: with the first `max` others, they hold the page.
    const batched: StoredEvent[] = [];
    for (const row of this.#batchesAfter.iterate(from)) {
      for (const stored of this.#parseBatch(row)) {
        if (stored.seq > from) batched.push(stored);
      }
      if (batched.length >= max) break;
    }
    return mergeBySeq(singles, batched, max);
  }

  /** Every rtt event at or after `ts`, in seq order: what RttTable.recover reads back after a restart. */
  rttSince(ts: number): StoredEvent[] {
    const batched: StoredEvent[] = [];
    for (const row of this.#batchesSince.iterate(ts)) {
      for (const stored of this.#parseBatch(row)) if (stored.event.ts >= ts) batched.push(stored);
    }
    return mergeBySeq(this.#legacyRttSince(ts), batched, Number.POSITIVE_INFINITY);
  }

  /** Deletes up to `limit` events of any kind older than `before`. */
  pruneSome(before: number, limit: number): number {
    const deleted = this.#prune.run(before, limit).changes;
    return deleted + (deleted < limit ? this.#pruneBatches.run(before, limit - deleted).changes : 0);
  }

  /** Deletes up to `limit` rtt events (single rows, or whole batches) older than `before`; others stay. */
  pruneRttSome(before: number, limit: number): number {
    const deleted = this.#pruneRtt.run(before, limit).changes;
    return deleted + (deleted < limit ? this.#pruneBatches.run(before, limit - deleted).changes : 0);
  }

  /** rtt events written by versions before migration 005, as single rows */
  #legacyRttSince(ts: number): StoredEvent[] {
    const events: StoredEvent[] = [];
    for (const row of this.#legacyRtt.iterate(ts)) {
      const event = this.#parse(row.body, row.seq);
      if (event?.kind === 'rtt') events.push({ seq: row.seq, event });
    }
    return events;
  }

  #parse(body: string, seq: number): HopEvent | null {
    try {
      return readStoredEvent(JSON.parse(body) as HopEvent, seq, this.#report);
    } catch (error) {
      // Only a damaged file could get here; skip the row rather than fail every resume after it.
      this.#report(error, `stored event ${seq} is not valid JSON`);
      return null;
    }
  }

  #parseBatch(row: BatchRow): StoredEvent[] {
    if (row.strings !== null) {
      try {
        if (typeof row.body === 'string') throw new TypeError('body is text, not numbers');
        return decodeRttEventBlock(row.body, row.strings);
      } catch (error) {
        this.#report(error, `stored rtt events from seq ${row.first_seq} are damaged`);
        return [];
      }
    }
    // Written before migration 006: a JSON array of [seq, event].
    try {
      const pairs = JSON.parse(String(row.body)) as Array<[number, HopEvent]>;
      return pairs.map(([seq, event]) => ({ seq, event }));
    } catch (error) {
      this.#report(error, `stored rtt events from seq ${row.first_seq} are not valid JSON`);
      return [];
    }
  }
}

const minuteOf = (ts: number) => Math.floor(ts / 60_000);

/** The first `max` events of two lists each sorted by seq, in seq order. */
function mergeBySeq(a: StoredEvent[], b: StoredEvent[], max: number): StoredEvent[] {
  if (b.length === 0) return a.length > max ? a.slice(0, max) : a;
  if (a.length === 0) return b.length > max ? b.slice(0, max) : b;
  const out: StoredEvent[] = [];
  let i = 0;
  let j = 0;
  while (out.length < max && (i < a.length || j < b.length)) {
    if (j >= b.length || (i < a.length && a[i]!.seq < b[j]!.seq)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}
