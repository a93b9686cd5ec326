// Opening the SQLite file: WAL, pragmas, and the versioned migrations (tracked in PRAGMA user_version).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export type Db = Database.Database;

/** Stable codes for the ways opening the store can fail, so the CLI can say what to do. */
export type StoreErrorCode = 'STORE_ERR_OPEN' | 'STORE_ERR_NEWER_SCHEMA' | 'STORE_ERR_MIGRATION';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

export const MEMORY_PATH = ':memory:';

export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  let db: Db;
  try {
    if (path !== MEMORY_PATH) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    // WAL lets API reads run beside the prober's writes; NORMAL sync is crash-safe in WAL mode and only
    // risks the last transactions on power loss, which for probe samples is the right trade.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Waiting for a lock blocks the event loop; another process holding the file (a backup, the sqlite3
    // shell) costs at most this per flush, and the batch is retried by the next one.
    db.pragma('busy_timeout = 250');
    db.pragma('cache_size = -32000');
  } catch (error) {
    throw new StoreError('STORE_ERR_OPEN', `cannot open the store at ${path}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  try {
    migrate(db, path, migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: Db, path: string, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StoreError(
      'STORE_ERR_NEWER_SCHEMA',
      `the store at ${path} has schema version ${current}, newer than this hopwatch knows (${latest}); ` +
        'upgrade hopwatch or point --data elsewhere',
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        // user_version cannot be bound as a parameter; the value is our own integer constant.
        db.pragma(`user_version = ${Math.trunc(migration.version)}`);
      })();
    } catch (error) {
      throw new StoreError(
        'STORE_ERR_MIGRATION',
        `migration ${migration.version} (${migration.name}) failed on ${path}: ${messageOf(error)}`,
        { cause: error },
      );
    }
  }
}

/**
 * Errors that belong to one row (a constraint, a value SQLite cannot bind) rather than to the database:
 * the row is dropped and reported, and the rest of its batch is still written.
 */
export function isRowError(error: unknown): boolean {
  if (error instanceof RangeError || error instanceof TypeError) return true;
  if (error instanceof Database.SqliteError) {
    return /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(error.code);
  }
  return false;
}

export function readMeta(db: Db, key: string): number | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
    | { value: number | null }
    | undefined;
  return row?.value ?? null;
}

/** Prepared once per database: every flush writes a meta row or two, and preparing costs more than the write. */
const metaWriters = new WeakMap<Db, Database.Statement<[string, number | null]>>();

export function writeMeta(db: Db, key: string, value: number | null): void {
  let statement = metaWriters.get(db);
  if (!statement) {
    statement = db.prepare<[string, number | null]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    metaWriters.set(db, statement);
  }
  statement.run(key, value);
}

/** A number SQLite should store, or null for NaN/Infinity/non-numbers. */
export function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

type Param = string | number;

/**
 * For queries whose WHERE clause depends on which filters are set: only fixed fragments go into the SQL
 * text, every value is a bound parameter, and each distinct text is prepared once.
 */
export class FilteredQuery<Row> {
  readonly #db: Db;
  readonly #head: string;
  readonly #tail: string;
  readonly #statements = new Map<string, Database.Statement<Param[], Row>>();

  /** `head` up to the WHERE, `tail` after it (ORDER BY ... LIMIT ?) */
  constructor(db: Db, head: string, tail: string) {
    this.#db = db;
    this.#head = head;
    this.#tail = tail;
  }

  /** `filters`: [fragment with one ?, value]; a filter whose value is undefined or null is left out. */
  all(filters: readonly [string, Param | null | undefined][], tailParams: readonly Param[]): Row[] {
    const where: string[] = [];
    const params: Param[] = [];
    for (const [fragment, value] of filters) {
      if (value === undefined || value === null) continue;
      where.push(fragment);
      params.push(value);
    }
    const sql = `${this.#head}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ${this.#tail}`;
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare<Param[], Row>(sql);
      this.#statements.set(sql, statement);
    }
    return statement.all(...params, ...tailParams);
  }
}

/** A page size SQLite can bind: an integer in [0, max]; nonsense asks for nothing. */
export function clampLimit(limit: number, max: number): number {
  return Number.isFinite(limit) ? Math.min(max, Math.max(0, Math.floor(limit))) : 0;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
