// Leg outages as the outage tracker published them (`outage` events): the latest state of each, keyed by
// target, leg and start, so an outage's attempts and its end overwrite the row its start wrote.
import { CAUSES, type Cause, type Outage } from '@hopwatch/shared/protocol';
import { type BatchedWriter, type RowErrorReporter, writeEach } from './batch.js';
import { clampLimit, type Db, FilteredQuery, finiteOrNull } from './db.js';
import type { OutageQuery } from './store.js';

export const MAX_OUTAGES_PAGE = 10_000;

/** An outage as its table holds it (the PostgreSQL store uses the same columns). */
export interface OutageRow {
  target: string;
  leg: string;
  since: number;
  until: number | null;
  first_cause: string;
  last_cause: string;
  attempts: number;
  last_error: string | null;
  last_http_status: number | null;
}

export class OutageTable implements BatchedWriter {
  #pending: Outage[] = [];
  readonly #report: RowErrorReporter;
  readonly #upsert;
  readonly #prune;
  readonly #query: FilteredQuery<OutageRow>;

  constructor(db: Db, options: { report: RowErrorReporter }) {
    this.#report = options.report;
    this.#upsert = db.prepare<
      [string, string, number | null, number | null, string, string, number, string | null, number | null]
    >(
      'INSERT INTO outages (target, leg, since, until, first_cause, last_cause, attempts, last_error, ' +
        'last_http_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (target, leg, since) DO UPDATE SET ' +
        'until = excluded.until, last_cause = excluded.last_cause, attempts = excluded.attempts, ' +
        'last_error = excluded.last_error, last_http_status = excluded.last_http_status',
    );
    this.#query = new FilteredQuery(db, 'SELECT * FROM outages', 'ORDER BY since DESC LIMIT ?');
    // Open outages are kept whatever their age: they are still going on.
    this.#prune = db.prepare<[number, number]>(
      'DELETE FROM outages WHERE rowid IN ' +
        '(SELECT rowid FROM outages WHERE until IS NOT NULL AND until < ? LIMIT ?)',
    );
  }

  get pendingRows(): number {
    return this.#pending.length;
  }

  queue(outage: Outage): void {
    this.#pending.push(outage);
  }

  write(): void {
    writeEach(
      this.#pending,
      (o) =>
        this.#upsert.run(
          String(o.target),
          String(o.leg),
          finiteOrNull(o.since),
          finiteOrNull(o.until),
          String(o.firstCause),
          String(o.lastCause),
          Math.max(0, Math.trunc(o.attempts)),
          o.lastError,
          finiteOrNull(o.lastHttpStatus),
        ),
      this.#report,
      'outage',
    );
  }

  committed(): void {
    this.#pending = [];
  }

  discard(): void {
    this.#pending = [];
  }

  /** Newest first by start; outages overlapping [from, to] (open ones last until now). */
  query(query: OutageQuery): Outage[] {
    const rows = this.#query.all(
      [
        ['target = ?', query.target],
        ['leg = ?', query.leg],
        ['(until IS NULL OR until >= ?)', finiteOrNull(query.from)],
        ['since <= ?', finiteOrNull(query.to)],
        ['until IS NULL AND 1 = ?', query.open ? 1 : null],
      ],
      [clampLimit(query.limit, MAX_OUTAGES_PAGE)],
    );
    return rows.map(fromRow);
  }

  pruneSome(before: number, limit: number): number {
    return this.#prune.run(before, limit).changes;
  }
}

export function fromRow(row: OutageRow): Outage {
  return {
    target: row.target,
    leg: row.leg,
    since: row.since,
    until: row.until,
    durationMs: row.until === null ? null : row.until - row.since,
    firstCause: asCause(row.first_cause),
    lastCause: asCause(row.last_cause),
    attempts: row.attempts,
    lastError: row.last_error,
    lastHttpStatus: row.last_http_status,
  };
}

/** Rows are only written from validated events; an unknown cause would mean a hand-edited database. */
function asCause(value: string): Cause {
  return (CAUSES as readonly string[]).includes(value) ? (value as Cause) : 'abnormal_close';
}
