// The event log's retention on real files: rtt events go after an hour, every other kind stays for the raw
// window, and resuming with `since` still returns what is left, in order, with seq never reused.
import { join } from 'node:path';
import type { HopEvent } from '@hopwatch/shared/protocol';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { PRUNE_RTT_EVENTS_SQL } from './events.js';
import { MIGRATIONS } from './migrations/index.js';
import { openSqliteStore } from './sqlite-store.js';
import { closedSession, DAY_MS, rtt, sessionOpen, useStoreFixtures } from './test-support/store-fixture.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const HOUR_MS = 3_600_000;
const open = useStoreFixtures();

function sessionClose(id: string, openedAt: number, closedAt: number): HopEvent {
  return {
    kind: 'session_close',
    ts: closedAt,
    target: 'api',
    leg: 'edge',
    session: closedSession('api', 'edge', id, openedAt, closedAt),
  };
}

describe('event log retention', () => {
  it('prunes rtt events older than an hour and keeps other kinds and recent rtt events', async () => {
    let clock = T0;
    const f = open({ now: () => clock, retentionMs: 10 * DAY_MS, rawRetentionMs: 2 * DAY_MS });
    const old = T0;
    const recent = T0 + 2 * HOUR_MS;
    f.publish(
      sessionOpen('api', 'edge', 's1', old), // seq 1
      rtt('api', 'edge', 's1', old + 1_000, 10), // 2
      rtt('api', 'edge', 's1', old + 2_000, 11), // 3
      sessionClose('s1', old, old + 2_000), // 4: the same age as the rtt events
      rtt('api', 'edge', 's1', old + 3_000, 12), // 5
      sessionOpen('api', 'edge', 's2', recent - 30 * 60_000), // 6
      rtt('api', 'edge', 's2', recent - 30 * 60_000, 13), // 7: half an hour old
      rtt('api', 'edge', 's2', recent - 1_000, 14), // 8
    );
    clock = recent;

    const result = await f.store.prune(clock);
    expect(result.done).toBe(true);

    const left = await f.store.after(0, 100);
    expect(left.map((e) => [e.seq, e.event.kind])).toEqual([
      [1, 'session_open'],
      [4, 'session_close'],
      [6, 'session_open'],
      [7, 'rtt'],
      [8, 'rtt'],
    ]);
    expect(left[1]?.event).toEqual(sessionClose('s1', old, old + 2_000));
    // Resuming inside the pruned range returns the rest in order, skipping the gaps.
    expect((await f.store.after(1, 100)).map((e) => e.seq)).toEqual([4, 6, 7, 8]);
    expect((await f.store.after(2, 2)).map((e) => e.seq)).toEqual([4, 6]);
    expect((await f.store.after(4, 100)).map((e) => e.seq)).toEqual([6, 7, 8]);
    // RTT history itself is not lost: the chunks and rollups still have the pruned heartbeats.
    const samples = await f.store.rttSamples({ target: 'api', leg: 'edge', from: old, to: old + 60_000 });
    expect(samples.map((s) => s.rttMs)).toEqual([10, 11, 12]);
  });

  it('keeps the other kinds for the raw window, as before', async () => {
    let clock = T0;
    const f = open({ now: () => clock, retentionMs: 10 * DAY_MS, rawRetentionMs: 2 * DAY_MS });
    f.publish(sessionOpen('api', 'edge', 's1', T0), sessionClose('s1', T0, T0 + 1_000));
    clock = T0 + 2 * DAY_MS - 1;
    await f.store.prune(clock);
    expect((await f.store.after(0, 10)).map((e) => e.seq)).toEqual([1, 2]);
    clock = T0 + 2 * DAY_MS + 2_000;
    await f.store.prune(clock);
    expect(await f.store.after(0, 10)).toEqual([]);
  });

  it('never keeps rtt events longer than the raw window, however short it is', async () => {
    let clock = T0;
    const f = open({ now: () => clock, retentionMs: 10 * DAY_MS, rawRetentionMs: 10 * 60_000 });
    f.publish(rtt('api', 'edge', 's1', T0, 5), sessionOpen('api', 'edge', 's2', T0 + 20 * 60_000));
    clock = T0 + 20 * 60_000;
    await f.store.prune(clock);
    expect((await f.store.after(0, 10)).map((e) => e.seq)).toEqual([2]);
  });

  it('does not reuse seq after a restart when the newest events were pruned rtt events', async () => {
    let clock = T0;
    const f = open({ now: () => clock });
    f.publish(
      sessionOpen('api', 'edge', 's1', T0),
      rtt('api', 'edge', 's1', T0 + 1_000, 5),
      rtt('api', 'edge', 's1', T0 + 2_000, 6),
    );
    clock = T0 + 2 * HOUR_MS;
    await f.store.prune(clock);
    expect((await f.store.after(0, 10)).map((e) => e.seq)).toEqual([1]);

    await f.reopen();
    expect(f.store.lastSeq()).toBe(3);
    f.publish(rtt('api', 'edge', 's1', clock, 7));
    expect(f.store.lastSeq()).toBe(4);
    expect((await f.store.after(0, 10)).map((e) => e.seq)).toEqual([1, 4]);
    expect((await f.store.after(1, 10)).map((e) => e.seq)).toEqual([4]);
  });

  it('keeps the rtt events of a minute not yet written to chunks, so a crash cannot lose it', async () => {
    let clock = T0;
    // A grace longer than the hour keeps the minute in memory, backed only by the event log.
    const f = open({ now: () => clock, rollupGraceMs: 3 * HOUR_MS });
    f.publish(rtt('api', 'edge', 's1', T0 + 1_000, 5));
    clock = T0 + 2 * HOUR_MS;
    await f.store.prune(clock);
    expect((await f.store.after(0, 10)).map((e) => e.seq)).toEqual([1]);

    clock = T0 + 4 * HOUR_MS; // the minute is due: prune writes it first, then its events may go
    await f.store.prune(clock);
    expect(await f.store.after(0, 10)).toEqual([]);
    const samples = await f.store.rttSamples({ target: 'api', leg: 'edge', from: T0, to: T0 + 60_000 });
    expect(samples.map((s) => s.rttMs)).toEqual([5]);
  });

  it('prunes rtt events in bounded steps', async () => {
    let clock = T0;
    const f = open({ now: () => clock });
    f.publish(sessionOpen('api', 'edge', 's', T0));
    // A minute apart: rtt events are stored a row per flush and minute (migration 005), and each is a row here.
    for (let i = 0; i < 250; i += 1) f.publish(rtt('api', 'edge', 's', T0 + i * 60_000, 5));
    clock = T0 + 2 * HOUR_MS + 250 * 60_000;
    const steps: number[] = [];
    for (;;) {
      const result = await f.store.prune(clock, 100);
      steps.push(result.deleted);
      if (result.done) break;
    }
    expect(steps.reduce((a, b) => a + b, 0)).toBe(250);
    expect(Math.max(...steps)).toBeLessThanOrEqual(100);
    expect((await f.store.after(0, 10)).map((e) => e.seq)).toEqual([1]);
  });

  it('finds the rtt events to prune through the partial index', async () => {
    const f = open();
    const reader = new Database(f.path, { readonly: true });
    try {
      const plan = reader.prepare(`EXPLAIN QUERY PLAN ${PRUNE_RTT_EVENTS_SQL}`).all(T0, 10) as {
        detail: string;
      }[];
      expect(plan.map((row) => row.detail).join('\n')).toMatch(/USING (COVERING )?INDEX events_rtt_by_ts/);
    } finally {
      reader.close();
    }
  });

  it('upgrades a schema 2 log: its rows keep a null kind and age out with the raw window', async () => {
    const f = open();
    await f.store.close();
    const path = join(f.dir, 'v2', 'hopwatch.db');
    const v2 = openDatabase(path, MIGRATIONS.slice(0, 2));
    const body = JSON.stringify(rtt('api', 'edge', 's1', T0, 5));
    v2.prepare('INSERT INTO events (seq, ts, body) VALUES (?, ?, ?)').run(1, T0, body);
    v2.close();
    const store = openSqliteStore(path, { retentionMs: 10 * DAY_MS, rawRetentionMs: 2 * DAY_MS });
    try {
      await store.prune(T0 + 2 * HOUR_MS);
      expect((await store.after(0, 10)).map((e) => e.seq)).toEqual([1]);
      await store.prune(T0 + 3 * DAY_MS);
      expect(await store.after(0, 10)).toEqual([]);
    } finally {
      await store.close();
    }
    await f.reopen();
  });
});
