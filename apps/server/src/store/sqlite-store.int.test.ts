// The SQLite store on real files: sequencing across restarts, sessions, orphans, batching, retention,
// verdicts, incidents and bad input.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '@hopwatch/shared/protocol';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { MIGRATIONS } from './migrations/index.js';
import { FLUSH_ROWS, openSqliteStore } from './sqlite-store.js';
import {
  closedSession,
  countOnDisk,
  DAY_MS,
  rtt,
  sessionOpen,
  useStoreFixtures,
} from './test-support/store-fixture.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version;
const open = useStoreFixtures();

function verdict(id: string, target: string, at: number): Verdict {
  return {
    id,
    target,
    kind: 'cluster',
    at,
    from: at - 1_000,
    to: at + 1_000,
    dropped: ['edge'],
    clean: ['direct'],
    unknown: [],
    suspects: ['edge'],
    confidence: 'high',
    signatures: [],
    summary: `drop at ${at}`,
    sessionIds: ['s1'],
    judgedAt: at + 5_000,
    evidence: [],
    final: true,
  };
}

describe('event log', () => {
  it('keeps seq monotonic and history across a restart, and resumes after `since`', async () => {
    const f = open();
    f.publish(sessionOpen('api', 'edge', 's1', T0), rtt('api', 'edge', 's1', T0 + 1_000, 12));
    expect(f.store.lastSeq()).toBe(2);

    await f.reopen();
    expect(f.store.lastSeq()).toBe(2);
    f.publish(rtt('api', 'edge', 's1', T0 + 2_000, 13));
    expect(f.store.lastSeq()).toBe(3);

    const all = await f.store.after(0, 100);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(all[0]?.event).toEqual(sessionOpen('api', 'edge', 's1', T0));
    expect((await f.store.after(1, 100)).map((e) => e.seq)).toEqual([2, 3]);
    expect((await f.store.after(1, 1)).map((e) => e.seq)).toEqual([2]);
    expect(await f.store.after(3, 100)).toEqual([]);
  });

  it('does not reuse seq after retention deleted every event', async () => {
    let clock = T0;
    const f = open({ now: () => clock });
    f.publish(rtt('api', 'edge', 's1', T0, 5), rtt('api', 'edge', 's1', T0 + 1, 5));
    clock = T0 + 3 * DAY_MS;
    await f.store.prune(clock);
    expect(await f.store.after(0, 10)).toEqual([]);
    await f.reopen();
    expect(f.store.lastSeq()).toBe(2);
    f.publish(rtt('api', 'edge', 's1', clock, 5));
    expect((await f.store.after(0, 10)).map((e) => e.seq)).toEqual([3]);
  });

  it('replays into a LiveHub-style reader in pages', async () => {
    const f = open();
    for (let i = 0; i < 25; i += 1) f.publish(rtt('api', 'edge', 's1', T0 + i, i));
    const seen: number[] = [];
    let cursor = 0;
    for (;;) {
      const page = await f.store.after(cursor, 10);
      if (page.length === 0) break;
      seen.push(...page.map((e) => e.seq));
      cursor = page.at(-1)?.seq ?? cursor;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });
});

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

describe('sessions', () => {
  it('stores the whole session on close and serves them newest first, filtered by overlap', async () => {
    const f = open();
    f.publish(
      sessionOpen('api', 'edge', 'a', T0),
      sessionOpen('api', 'direct', 'b', T0 + 10_000),
      sessionOpen('web', 'edge', 'c', T0 + 20_000),
    );
    const closed = closedSession('api', 'edge', 'a', T0, T0 + 100_000, {
      cause: 'remote_close',
      closeCode: 1012,
      closeReason: 'restart',
      silenceMs: 400,
      suspect: true,
    });
    f.publish({ kind: 'session_close', ts: T0 + 100_000, target: 'api', leg: 'edge', session: closed });

    expect((await f.store.sessions({ limit: 10 })).map((s) => s.id)).toEqual(['c', 'b', 'a']);
    expect(await f.store.sessions({ target: 'api', leg: 'edge', limit: 10 })).toEqual([closed]);
    const stillOpen = (await f.store.sessions({ target: 'api', leg: 'direct', limit: 10 }))[0];
    expect(stillOpen).toMatchObject({ id: 'b', closedAt: null, cause: null, handshake: { tcpMs: 1.5 } });
    // [from, to] overlap: `a` ended before 150 s; `b` and `c` are still open.
    expect((await f.store.sessions({ from: T0 + 150_000, limit: 10 })).map((s) => s.id)).toEqual(['c', 'b']);
    expect((await f.store.sessions({ to: T0 + 5_000, limit: 10 })).map((s) => s.id)).toEqual(['a']);
    expect((await f.store.sessions({ limit: 1 })).map((s) => s.id)).toEqual(['c']);
  });

  it('keeps a closed session closed when a duplicate session_open is replayed', async () => {
    const f = open();
    const closed = closedSession('api', 'edge', 'a', T0, T0 + 5_000);
    f.publish(sessionOpen('api', 'edge', 'a', T0));
    f.publish({ kind: 'session_close', ts: T0 + 5_000, target: 'api', leg: 'edge', session: closed });
    f.publish(sessionOpen('api', 'edge', 'a', T0));
    expect(await f.store.sessions({ limit: 10 })).toEqual([closed]);
  });

  it('closes sessions left open by a previous run at their last answered heartbeat, not as drops', async () => {
    const f = open();
    f.publish(
      sessionOpen('api', 'edge', 'beating', T0),
      rtt('api', 'edge', 'beating', T0 + 1_000, 10),
      rtt('api', 'edge', 'beating', T0 + 2_000, 11),
      // A lost heartbeat proves nothing about the session being alive.
      rtt('api', 'edge', 'beating', T0 + 3_000, null),
      sessionOpen('api', 'direct', 'silent', T0 + 500),
      sessionOpen('api', 'lb', 'finished', T0),
    );
    const finished = closedSession('api', 'lb', 'finished', T0, T0 + 700);
    f.publish({ kind: 'session_close', ts: T0 + 700, target: 'api', leg: 'lb', session: finished });

    await f.reopen();
    const closed = await f.store.closeOrphanedSessions(T0 + 60_000);
    expect(closed.map((s) => [s.id, s.closedAt, s.durationMs, s.cause])).toEqual([
      ['beating', T0 + 2_000, 2_000, null],
      ['silent', T0 + 500, 0, null],
    ]);
    const stored = await f.store.sessions({ limit: 10 });
    expect(stored.filter((s) => s.closedAt === null)).toEqual([]);
    expect(stored.find((s) => s.id === 'beating')).toEqual(closed[0]);
    expect(stored.find((s) => s.id === 'finished')).toEqual(finished);
    expect(await f.store.closeOrphanedSessions(T0 + 61_000)).toEqual([]);
  });
});

describe('verdicts, stalls and incidents', () => {
  it('stores each verdict once, whether saved directly or seen as an event', async () => {
    const f = open();
    const first = verdict('v1', 'api', T0);
    f.store.saveVerdict(first);
    f.publish({ kind: 'verdict', ts: T0, target: 'api', leg: null, verdict: first });
    f.publish({ kind: 'verdict', ts: T0, target: 'web', leg: null, verdict: verdict('v2', 'web', T0 + 10) });
    f.store.saveVerdict(verdict('v3', 'api', T0 + 20));

    expect((await f.store.verdicts({ limit: 10 })).map((v) => v.id)).toEqual(['v3', 'v2', 'v1']);
    expect(await f.store.verdicts({ target: 'api', limit: 10 })).toEqual([
      verdict('v3', 'api', T0 + 20),
      first,
    ]);
    expect((await f.store.verdicts({ from: T0 + 5, to: T0 + 15, limit: 10 })).map((v) => v.id)).toEqual([
      'v2',
    ]);
  });

  it('stores prober stalls', async () => {
    const f = open();
    f.publish(
      { kind: 'prober_stall', ts: T0, target: null, leg: null, delayMs: 1_500, thresholdMs: 1_000 },
      { kind: 'prober_stall', ts: T0 + 60_000, target: null, leg: null, delayMs: 2_500, thresholdMs: 1_000 },
    );
    expect(await f.store.stalls({ from: T0, to: T0 + 1 })).toEqual([{ ts: T0, delayMs: 1_500 }]);
    expect(await f.store.stalls({ from: 0, to: T0 + DAY_MS })).toHaveLength(2);
  });

  it('creates incidents with short random ids and lists them newest first', async () => {
    let clock = T0;
    const f = open({ now: () => clock });
    const a = await f.store.createIncident({
      target: 'api',
      from: T0 - 60_000,
      to: T0,
      title: 'edge flap',
      note: '',
    });
    clock += 1;
    const b = await f.store.createIncident({
      target: 'web',
      from: T0,
      to: T0 + 1,
      title: 'lb',
      note: 'see #42',
    });
    expect(a.id).toMatch(/^[0-9a-hjkmnp-tv-z]{10}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.createdAt).toBe(T0);
    expect(await f.store.incident(a.id)).toEqual(a);
    expect(await f.store.incident('nope')).toBeNull();
    expect(await f.store.incidents({ limit: 10 })).toEqual([b, a]);
    expect(await f.store.incidents({ target: 'api', limit: 10 })).toEqual([a]);
    await f.reopen();
    expect(await f.store.incident(b.id)).toEqual(b);
  });
});

describe('retention', () => {
  it('prunes by age: raw samples and events after the raw window, the rest after the retention', async () => {
    let clock = T0;
    const f = open({ now: () => clock, retentionMs: 10 * DAY_MS, rawRetentionMs: 2 * DAY_MS });
    const old = T0;
    const middle = T0 + 5 * DAY_MS;
    for (const [ts, id] of [
      [old, 'old'],
      [middle, 'middle'],
    ] as const) {
      clock = ts;
      f.publish(sessionOpen('api', 'edge', id, ts), rtt('api', 'edge', id, ts + 1_000, 10));
      f.publish({
        kind: 'session_close',
        ts: ts + 2_000,
        target: 'api',
        leg: 'edge',
        session: closedSession('api', 'edge', id, ts, ts + 2_000),
      });
      f.store.saveVerdict(verdict(`v-${id}`, 'api', ts));
      f.publish({ kind: 'prober_stall', ts, target: null, leg: null, delayMs: 1_500, thresholdMs: 1_000 });
    }
    const incident = await f.store.createIncident({
      target: 'api',
      from: old,
      to: old + 1,
      title: 'kept',
      note: '',
    });
    clock = old + 10 * DAY_MS + 60_000;
    f.store.flush();

    const result = await f.store.prune(clock);
    expect(result.done).toBe(true);
    expect(result.deleted).toBeGreaterThan(0);
    expect((await f.store.sessions({ limit: 10 })).map((s) => s.id)).toEqual(['middle']);
    expect((await f.store.verdicts({ limit: 10 })).map((v) => v.id)).toEqual(['v-middle']);
    expect(await f.store.stalls({ from: 0, to: clock })).toEqual([{ ts: middle, delayMs: 1_500 }]);
    expect(await f.store.incident(incident.id)).toEqual(incident);
    // Raw window: the middle day's raw samples and events are gone, its rollup is still there.
    expect(await f.store.after(0, 100)).toEqual([]);
    expect(await f.store.rttSamples({ target: 'api', from: 0, to: clock })).toEqual([]);
    const series = await f.store.rttSeries({ target: 'api', leg: 'edge', from: old, to: clock });
    expect(series.points.map((p) => [p.n, p.p50])).toEqual([[1, 10]]);
    expect(series.points[0]?.t).toBeLessThanOrEqual(middle);
  });

  it('prunes in bounded steps when asked to', async () => {
    let clock = T0;
    const f = open({ now: () => clock, retentionMs: DAY_MS, rawRetentionMs: DAY_MS });
    for (let i = 0; i < 300; i += 1) f.publish(rtt('api', 'edge', 's', T0 + i * 1_000, 5));
    clock = T0 + 2 * DAY_MS;
    const steps: number[] = [];
    for (;;) {
      const result = await f.store.prune(clock, 100);
      steps.push(result.deleted);
      if (result.done) break;
    }
    expect(Math.max(...steps)).toBeLessThanOrEqual(100);
    expect(steps.length).toBeGreaterThan(3);
    expect(countOnDisk(f.path, 'rtt_chunks')).toBe(0);
    expect(countOnDisk(f.path, 'events')).toBe(0);
  });
});

describe('bad input', () => {
  it('drops and reports a malformed row without losing the rest of its batch', async () => {
    const f = open();
    f.publish(sessionOpen('api', 'edge', 'good', T0));
    f.publish(sessionOpen('api', 'edge', 'bad-ts', Number.NaN));
    f.publish(rtt('api', 'edge', 'good', Number.POSITIVE_INFINITY, 3));
    f.publish(rtt('api', 'edge', 'good', T0 + 1_000, Number.NaN));
    f.publish(sessionOpen('api', 'edge', 'after', T0 + 2_000));

    expect((await f.store.sessions({ limit: 10 })).map((s) => s.id)).toEqual(['after', 'good']);
    // A NaN RTT is a lost heartbeat, not a poisoned sample.
    expect(await f.store.rttSamples({ target: 'api', leg: 'edge', from: 0, to: T0 + DAY_MS })).toEqual([
      { target: 'api', leg: 'edge', sessionId: 'good', ts: T0 + 1_000, seq: 0, rttMs: null, suspect: false },
    ]);
    expect(f.errors.map((e) => e.context)).toEqual(['rtt sample', 'session']);
    expect(await f.store.after(0, 10)).toHaveLength(5);
  });

  it('stores hostile strings verbatim and keeps every table intact', async () => {
    const f = open();
    const target = "api'); DROP TABLE sessions; --";
    const leg = 'edge" OR 1=1 --';
    f.publish(sessionOpen(target, leg, "s'1", T0), rtt(target, leg, "s'1", T0 + 1_000, 7));
    expect((await f.store.sessions({ target, leg, limit: 10 })).map((s) => s.id)).toEqual(["s'1"]);
    expect(await f.store.sessions({ target: 'api', limit: 10 })).toEqual([]);
    expect((await f.store.rttSeries({ target, leg, from: T0, to: T0 + 60_000 })).points).toHaveLength(1);
    const incident = await f.store.createIncident({
      target,
      from: T0,
      to: T0,
      title: '<script>',
      note: "'; --",
    });
    expect((await f.store.incident(incident.id))?.note).toBe("'; --");
  });

  it('answers nonsense query parameters with nothing or a clear error, never a crash', async () => {
    const f = open();
    f.publish(sessionOpen('api', 'edge', 's', T0), rtt('api', 'edge', 's', T0 + 1_000, 7));
    expect(await f.store.after(Number.NaN, Number.NaN)).toEqual([]);
    expect(await f.store.after(-5, 10)).toHaveLength(2);
    expect(await f.store.sessions({ limit: Number.NaN })).toEqual([]);
    expect(await f.store.sessions({ from: Number.NaN, to: Number.NaN, limit: -1 })).toEqual([]);
    expect(await f.store.sessions({ from: Number.NaN, limit: 5 })).toHaveLength(1);
    expect(await f.store.verdicts({ limit: 1e12 })).toEqual([]);
    expect((await f.store.rttSeries({ target: 'nope', leg: 'edge', from: T0, to: T0 + 1 })).points).toEqual(
      [],
    );
    expect((await f.store.rttSeries({ target: 'api', leg: 'edge', from: T0 + 10, to: T0 })).points).toEqual(
      [],
    );
    await expect(f.store.rttSeries({ target: 'api', leg: 'edge', from: Number.NaN, to: T0 })).rejects.toThrow(
      /rtt range must be finite/,
    );
    await expect(
      f.store.createIncident({ target: 'api', from: Number.NaN, to: T0, title: 't', note: '' }),
    ).rejects.toThrow(RangeError);
    await expect(
      f.store.createIncident({ target: 'api', from: T0, to: T0 - 1, title: 't', note: '' }),
    ).rejects.toThrow(/from <= to/);
    expect(await f.store.incidents({ limit: 10 })).toEqual([]);
  });

  it('reports events after close instead of throwing into the prober', async () => {
    const f = open();
    await f.store.close();
    expect(() => f.bus.publish(rtt('api', 'edge', 's', T0, 1))).not.toThrow();
    expect(f.errors.at(-1)?.context).toMatch(/not stored/);
    await f.reopen();
    expect(await f.store.after(0, 10)).toEqual([]);
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
