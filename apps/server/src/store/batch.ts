// The contract between the store and each table that queues rows in memory: the store opens one
// transaction per flush and asks every table to write; memory is only forgotten once the commit succeeded,
// so a failed flush (disk full, busy) is simply retried by the next one.
import { isRowError } from './db.js';

export interface BatchedWriter {
  /** Rows waiting for the next flush. */
  readonly pendingRows: number;
  /**
   * Writes what is queued. Runs inside the flush transaction and must leave memory as it found it, since a
   * rollback would not undo memory changes. `closing`: the store is shutting down, write everything.
   */
  write(closing: boolean): void;
  /** The flush committed: forget what `write` wrote. */
  committed(): void;
  /** Forget what is queued without writing: the store gave up on a batch that keeps failing. */
  discard(): void;
}

export type RowErrorReporter = (error: unknown, context: string) => void;

/**
 * Writes rows one statement at a time inside the caller's transaction. A row SQLite refuses (constraint,
 * unbindable value) is dropped and reported; any other error (I/O) aborts the whole flush for a retry.
 */
export function writeEach<T>(
  rows: readonly T[],
  write: (row: T) => void,
  report: RowErrorReporter,
  context: string,
): void {
  for (const row of rows) {
    try {
      write(row);
    } catch (error) {
      if (!isRowError(error)) throw error;
      report(error, context);
    }
  }
}
