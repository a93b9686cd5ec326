// One multi-row INSERT per table and flush: the rows go as one array per column and `unnest` turns them back
// into rows, so a flush of any size is one statement with a fixed number of parameters (a VALUES list would
// hit PostgreSQL's 65,535-parameter limit). When PostgreSQL refuses a batch over one bad row (a NUL byte, a
// number out of range), the flush is written again row by row: each row in a savepoint, a refused one dropped
// and reported, the rest kept, as the SQLite store does.
import type pg from 'pg';
import type { RowErrorReporter } from '../batch.js';

export interface InsertSpec<T> {
  /** for reports: "session", "event"… */
  context: string;
  /** `INSERT INTO t (a, b) SELECT * FROM unnest($1::bigint[], $2::text[])` and any ON CONFLICT clause */
  sql: string;
  columns: number;
  toRow(row: T): unknown[];
}

export async function insertRows<T>(
  client: pg.PoolClient,
  spec: InsertSpec<T>,
  rows: readonly T[],
  options: { rowByRow: boolean; report: RowErrorReporter },
): Promise<void> {
  if (rows.length === 0) return;
  if (!options.rowByRow) {
    await client.query(spec.sql, columnsOf(spec, rows));
    return;
  }
  for (const row of rows) {
    await client.query('SAVEPOINT hopwatch_row');
    try {
      await client.query(spec.sql, columnsOf(spec, [row]));
      await client.query('RELEASE SAVEPOINT hopwatch_row');
    } catch (error) {
      if (!isRowError(error)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT hopwatch_row');
      options.report(error, spec.context);
    }
  }
}

function columnsOf<T>(spec: InsertSpec<T>, rows: readonly T[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: spec.columns }, () => []);
  for (const row of rows) {
    const values = spec.toRow(row);
    for (let i = 0; i < spec.columns; i += 1) columns[i]?.push(values[i] ?? null);
  }
  return columns;
}

/**
 * Errors that belong to a row rather than to the database: SQLSTATE class 22 (data exception: a NUL byte,
 * an out-of-range number, bad JSON) and 23 (integrity constraint).
 */
export function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
