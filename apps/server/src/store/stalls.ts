// hopwatch's own event-loop stalls (prober_stall events): the evidence for marking drops suspect.
import type { ProberStallEvent } from '@hopwatch/shared/protocol';
import { type BatchedWriter, type RowErrorReporter, writeEach } from './batch.js';
import { type Db, finiteOrNull } from './db.js';
import type { StallRecord } from './store.js';

export class StallTable implements BatchedWriter {
  #pending: StallRecord[] = [];
  readonly #report: RowErrorReporter;
  readonly #insert;
  readonly #range;
  readonly #prune;

  constructor(db: Db, options: { report: RowErrorReporter }) {
    this.#report = options.report;
    this.#insert = db.prepare<[number | null, number | null]>(
      'INSERT INTO stalls (ts, delay_ms) VALUES (?, ?)',
    );
    this.#range = db.prepare<[number, number], StallRecord>(
      'SELECT ts, delay_ms AS delayMs FROM stalls WHERE ts >= ? AND ts <= ? ORDER BY ts',
    );
    this.#prune = db.prepare<[number, number]>(
      'DELETE FROM stalls WHERE rowid IN (SELECT rowid FROM stalls WHERE ts < ? LIMIT ?)',
    );
  }

  get pendingRows(): number {
    return this.#pending.length;
  }

  queue(event: ProberStallEvent): void {
    this.#pending.push({ ts: event.ts, delayMs: event.delayMs });
  }

  write(): void {
    writeEach(
      this.#pending,
      (s) => this.#insert.run(finiteOrNull(s.ts), finiteOrNull(s.delayMs)),
      this.#report,
      'prober stall',
    );
  }

  committed(): void {
    this.#pending = [];
  }

  discard(): void {
    this.#pending = [];
  }

  /** Stalls in [from, to], oldest first. */
  query(from: number, to: number): StallRecord[] {
    return this.#range.all(from, to);
  }

  pruneSome(before: number, limit: number): number {
    return this.#prune.run(before, limit).changes;
  }
}
