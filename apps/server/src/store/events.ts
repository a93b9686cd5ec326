// The event log: every published event with its seq, for GET /api/events and live resume (`since`).
import type { HopEvent, StoredEvent } from '@hopwatch/shared/protocol';
import { type BatchedWriter, type RowErrorReporter, writeEach } from './batch.js';
import { clampLimit, type Db, finiteOrNull } from './db.js';

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

export class EventLog implements BatchedWriter {
  #pending: EventRow[] = [];
  readonly #report: RowErrorReporter;
  readonly #now: () => number;
  readonly #insert;
  readonly #after;
  readonly #maxSeq;
  readonly #prune;
  readonly #pruneRtt;

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
  }

  get pendingRows(): number {
    return this.#pending.length;
  }

  /** Snapshots the event as JSON now, so a producer changing its object later cannot change history. */
  queue(seq: number, event: HopEvent): void {
    let body: string;
    try {
      body = JSON.stringify(event);
    } catch (error) {
      this.#report(error, `event ${seq} cannot be serialized`);
      return;
    }
    const kind = typeof event.kind === 'string' ? event.kind : null;
    this.#pending.push({ seq, ts: finiteOrNull(event.ts) ?? this.#now(), kind, body });
  }

  write(): void {
    writeEach(
      this.#pending,
      (row) => this.#insert.run(row.seq, row.ts, row.kind, row.body),
      this.#report,
      'event',
    );
  }

  committed(): void {
    this.#pending = [];
  }

  discard(): void {
    this.#pending = [];
  }

  maxSeq(): number {
    return this.#maxSeq.get()?.seq ?? 0;
  }

  after(since: number, limit: number): StoredEvent[] {
    const from = Number.isFinite(since) ? Math.max(0, Math.floor(since)) : 0;
    const rows = this.#after.all(from, clampLimit(limit, MAX_EVENTS_PAGE));
    const events: StoredEvent[] = [];
    for (const row of rows) {
      try {
        events.push({ seq: row.seq, event: JSON.parse(row.body) as HopEvent });
      } catch (error) {
        // Only a damaged file could get here; skip the row rather than fail every resume after it.
        this.#report(error, `stored event ${row.seq} is not valid JSON`);
      }
    }
    return events;
  }

  /** Deletes up to `limit` events of any kind older than `before`. */
  pruneSome(before: number, limit: number): number {
    return this.#prune.run(before, limit).changes;
  }

  /** Deletes up to `limit` rtt events older than `before`; the other kinds are left alone. */
  pruneRttSome(before: number, limit: number): number {
    return this.#pruneRtt.run(before, limit).changes;
  }
}
