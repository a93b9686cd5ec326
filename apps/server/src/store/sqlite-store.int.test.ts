// The SQLite store on real files, what is particular to it: batching as seen on disk, and opening files
// (refused schemas, non-databases, migrations, WAL). The Store contract itself is store.contract.int.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { MIGRATIONS } from './migrations/index.js';
import { FLUSH_ROWS, openSqliteStore } from './sqlite-store.js';
import { countOnDisk, DAY_MS, rtt, sessionOpen, useStoreFixtures } from './test-support/store-fixture.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version;
const open = useStoreFixtures();

describe('batching', () => {
  it('holds rows in memory until the flush timer, while queries see them at once', async () => {
    const f = open();
    f.publish(sessionOpen('api', 'edge', 's1', T0));
    expect(countOnDisk(f.path, 'events')).toBe(0);
    await expect.poll(() => countOnDisk(f.path, 'events'), { timeout: 5_000 }).toBe(1);
    expect(countOnDisk(f.path, 'sessions')).toBe(1);

    f.publish(sessionOpen('api', 'edge', 's2', T0 + 1));
    expect((await f.store.sessions({ limit: 10 })).map((s) => s.id)).toEqual(['s2', 's1']);
    expect(countOnDisk(f.path, 'sessions')).toBe(2);
  });

  it('flushes at once when the queue passes the row threshold', () => {
    const f = open();
    for (let i = 0; i < FLUSH_ROWS + 1; i += 1) f.publish(rtt('api', 'edge', 's1', T0 + i * 1_000, 10));
    // The leg's own row counts toward the threshold too.
    expect(countOnDisk(f.path, 'events')).toBeGreaterThanOrEqual(FLUSH_ROWS - 1);
  });

  it('keeps a batch that cannot be written and writes it once the database is free again', async () => {
    const f = open();
    const other = new Database(f.path);
    try {
      other.exec('BEGIN IMMEDIATE');
      f.publish(sessionOpen('api', 'edge', 's1', T0), rtt('api', 'edge', 's1', T0 + 1_000, 4));
      f.store.flush();
      // Two events, the session and the new leg (the sample waits in memory for its minute to end).
      expect(f.errors.map((e) => e.context)).toEqual(['flush of 4 rows failed; retrying']);
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    expect((await f.store.sessions({ limit: 10 })).map((s) => s.id)).toEqual(['s1']);
    expect(
      (await f.store.rttSamples({ target: 'api', from: T0, to: T0 + 2_000 })).map((s) => s.rttMs),
    ).toEqual([4]);
    expect(countOnDisk(f.path, 'events')).toBe(2);
  });

  it('commit() writes what is queued and returns the seq up to which events are on disk, never past a failed write', () => {
    const f = open();
    f.publish(sessionOpen('api', 'edge', 's1', T0));
    expect(f.store.commit()).toBe(1);
    expect(countOnDisk(f.path, 'events')).toBe(1);
    const other = new Database(f.path);
    try {
      other.exec('BEGIN IMMEDIATE');
      f.publish(sessionOpen('api', 'edge', 's2', T0 + 1));
      // The file is busy: seq 2 is handed out but not on disk, so the live hub must not relay it yet.
      expect(f.store.lastSeq()).toBe(2);
      expect(f.store.commit()).toBe(1);
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    expect(f.store.commit()).toBe(2);
    expect(countOnDisk(f.path, 'events')).toBe(2);
  });

  it('writes what is queued on close', async () => {
    const f = open();
    f.publish(sessionOpen('api', 'edge', 's1', T0));
    await f.store.close();
    expect(countOnDisk(f.path, 'events')).toBe(1);
    expect(countOnDisk(f.path, 'sessions')).toBe(1);
    await f.reopen();
  });
});

describe('opening', () => {
  it('refuses a store written by a newer hopwatch, with a clear error', async () => {
    const f = open();
    await f.store.close();
    const raw = new Database(f.path);
    raw.pragma('user_version = 99');
    raw.close();
    await expect(f.reopen()).rejects.toThrow(expect.objectContaining({ code: 'STORE_ERR_NEWER_SCHEMA' }));
    const fixed = new Database(f.path);
    fixed.pragma(`user_version = ${SCHEMA_VERSION}`);
    fixed.close();
    await f.reopen();
  });

  it('refuses a file that is not a database, and leaves it untouched', async () => {
    const f = open();
    await f.store.close();
    writeFileSync(f.path, 'not a database, just some text that is long enough to have a header'.repeat(20));
    const before = readFileSync(f.path);
    await expect(f.reopen()).rejects.toThrow(expect.objectContaining({ code: 'STORE_ERR_OPEN' }));
    expect(readFileSync(f.path)).toEqual(before);
    writeFileSync(f.path, '');
    await f.reopen();
  });

  it('migrates a version-1 store, keeping its rollups', async () => {
    const f = open();
    await f.store.close();
    const dir = join(f.dir, 'v1');
    const v1 = openDatabase(join(dir, 'hopwatch.db'), MIGRATIONS.slice(0, 1));
    v1.exec("INSERT INTO legs (id, target, leg) VALUES (1, 'api', 'edge')");
    v1.exec(`INSERT INTO rtt_rollup VALUES (1, ${T0}, 3, 1, 2, 3, 3, 0, 0)`);
    v1.close();
    const store = openSqliteStore(join(dir, 'hopwatch.db'), { retentionMs: 400 * DAY_MS });
    try {
      const series = await store.rttSeries({ target: 'api', leg: 'edge', from: T0, to: T0 + DAY_MS });
      expect(series.points).toEqual([{ t: T0, n: 3, min: 1, p50: 2, p99: 3, max: 3, lost: 0, suspect: 0 }]);
    } finally {
      await store.close();
    }
    await f.reopen();
  });

  it('uses WAL and records the schema version', () => {
    const f = open();
    const reader = new Database(f.path, { readonly: true });
    expect(reader.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(reader.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    reader.close();
  });
});
