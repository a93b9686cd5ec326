// Verdicts as the judge wrote them, kept whole (JSON) and indexed by target and drop time.
import type { Verdict } from '@hopwatch/shared/protocol';
import { type BatchedWriter, type RowErrorReporter, writeEach } from './batch.js';
import { clampLimit, type Db, FilteredQuery, finiteOrNull } from './db.js';
import { readStoredVerdict } from './stored-verdict.js';

export const MAX_VERDICTS_PAGE = 10_000;

export interface VerdictQuery {
  target?: string;
  from?: number;
  to?: number;
  limit: number;
}

export class VerdictTable implements BatchedWriter {
  #pending: Verdict[] = [];
  readonly #report: RowErrorReporter;
  readonly #upsert;
  readonly #prune;
  readonly #query: FilteredQuery<{ id: string; body: string }>;

  constructor(db: Db, options: { report: RowErrorReporter }) {
    this.#report = options.report;
    // A verdict can arrive twice (saveVerdict and its verdict event); the later one wins.
    this.#upsert = db.prepare<[string, string, number | null, string]>(
      'INSERT INTO verdicts (id, target, at, body) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (id) DO UPDATE SET target = excluded.target, at = excluded.at, body = excluded.body',
    );
    this.#query = new FilteredQuery(db, 'SELECT id, body FROM verdicts', 'ORDER BY at DESC LIMIT ?');
    this.#prune = db.prepare<[number, number]>(
      'DELETE FROM verdicts WHERE rowid IN (SELECT rowid FROM verdicts WHERE at < ? LIMIT ?)',
    );
  }

  get pendingRows(): number {
    return this.#pending.length;
  }

  queue(verdict: Verdict): void {
    this.#pending.push(verdict);
  }

  write(): void {
    writeEach(
      this.#pending,
      (v) => this.#upsert.run(String(v.id), String(v.target), finiteOrNull(v.at), JSON.stringify(v)),
      this.#report,
      'verdict',
    );
  }

  committed(): void {
    this.#pending = [];
  }

  discard(): void {
    this.#pending = [];
  }

  /** Newest first by drop time. */
  query(query: VerdictQuery): Verdict[] {
    const rows = this.#query.all(
      [
        ['target = ?', query.target],
        ['at >= ?', finiteOrNull(query.from)],
        ['at <= ?', finiteOrNull(query.to)],
      ],
      [clampLimit(query.limit, MAX_VERDICTS_PAGE)],
    );
    const verdicts: Verdict[] = [];
    for (const row of rows) {
      let body: unknown;
      try {
        body = JSON.parse(row.body);
      } catch (error) {
        this.#report(error, `stored verdict ${row.id} is not valid JSON`);
        continue;
      }
      const verdict = readStoredVerdict(body, row.id, this.#report);
      if (verdict) verdicts.push(verdict);
    }
    return verdicts;
  }

  pruneSome(before: number, limit: number): number {
    return this.#prune.run(before, limit).changes;
  }
}
