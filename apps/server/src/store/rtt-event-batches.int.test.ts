// rtt events are stored a row per flush and minute (migration 005), yet the event log reads as one sequence:
// GET /api/events and live resume see every event once, in seq order, whichever table holds it.
import { rmSync } from 'node:fs';
import type { StoredEvent } from '@hopwatch/shared/protocol';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { MIGRATIONS } from './migrations/index.js';
import { closedSession, rtt, sessionOpen, useStoreFixtures } from './test-support/store-fixture.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const open = useStoreFixtures();

function rows(path: string, table: string): number {
  const reader = new Database(path, { readonly: true });
  try {
    return (reader.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    reader.close();
  }
}

const seqs = (events: StoredEvent[]) => events.map((e) => e.seq);

describe('rtt events in batch rows', () => {
  it('writes a flush of rtt events as one row per minute, the other kinds as a row each', () => {
    const f = open();
    f.publish(sessionOpen('api', 'edge', 's1', T0));
    for (let i = 0; i < 50; i += 1) f.publish(rtt('api', 'edge', 's1', T0 + 1_000 + i * 100, 1 + i / 10));
    f.publish(rtt('api', 'edge', 's1', T0 + 61_000, 9)); // the next minute
    f.store.flush();
    expect(rows(f.path, 'rtt_event_batches')).toBe(2);
    expect(rows(f.path, 'events')).toBe(1);
  });

  it.each([
    ['from the start', 0, 100, [1, 2, 3, 4, 5, 6, 7, 8]],
    ['inside a batch', 3, 100, [4, 5, 6, 7, 8]],
    ['a page cut inside a batch', 1, 3, [2, 3, 4]],
    ['a page cut after a single row', 4, 2, [5, 6]],
    ['past the end', 8, 100, []],
  ])('reads every event once, in seq order: %s', async (_, since, limit, expected) => {
    const f = open();
    f.publish(sessionOpen('api', 'edge', 's1', T0)); // 1
    f.publish(rtt('api', 'edge', 's1', T0 + 1_000, 1), rtt('api', 'edge', 's1', T0 + 2_000, 2)); // 2, 3
    f.store.flush();
    f.publish(rtt('api', 'edge', 's1', T0 + 3_000, 3)); // 4
    f.publish(sessionOpen('api', 'lb', 's2', T0 + 3_500)); // 5: between rtt events of one flush
    f.publish(rtt('api', 'edge', 's1', T0 + 4_000, 4), rtt('api', 'lb', 's2', T0 + 4_000, 5)); // 6, 7
    f.publish({
      kind: 'session_close',
      ts: T0 + 5_000,
      target: 'api',
      leg: 'lb',
      session: closedSession('api', 'lb', 's2', T0 + 3_500, T0 + 5_000),
    }); // 8
    const page = await f.store.after(since, limit);
    expect(seqs(page)).toEqual(expected);
    for (const stored of page) {
      expect(stored.event.kind).toBe(
        stored.seq === 1 || stored.seq === 5 ? 'session_open' : stored.seq === 8 ? 'session_close' : 'rtt',
      );
    }
  });

  it('keeps seq and the open minute across a restart: the samples come back from the batch rows', async () => {
    let clock = T0;
    // A grace longer than the test keeps the minute in memory, backed only by the event log.
    const f = open({ now: () => clock, rollupGraceMs: 3_600_000 });
    f.publish(sessionOpen('api', 'edge', 's1', T0), rtt('api', 'edge', 's1', T0 + 1_000, 7));
    f.store.flush();
    clock = T0 + 5_000;
    await f.reopen({ now: () => clock, rollupGraceMs: 3_600_000 });
    expect(f.store.lastSeq()).toBe(2);
    f.publish(rtt('api', 'edge', 's1', T0 + 2_000, 8));
    expect(seqs(await f.store.after(0, 10))).toEqual([1, 2, 3]);
    const samples = await f.store.rttSamples({ target: 'api', leg: 'edge', from: T0, to: T0 + 60_000 });
    expect(samples.map((s) => s.rttMs)).toEqual([7, 8]);
  });

  it.each([
    ['numbers cut short', "UPDATE rtt_event_batches SET body = X'0102' WHERE first_seq = 1", 'damaged'],
    [
      'names that are not a list',
      "UPDATE rtt_event_batches SET strings = '{' WHERE first_seq = 1",
      'damaged',
    ],
    [
      'numbers naming a string the row lacks',
      "UPDATE rtt_event_batches SET strings = '[]' WHERE first_seq = 1",
      'damaged',
    ],
    [
      'JSON of migration 005 cut short',
      "UPDATE rtt_event_batches SET body = '[[1,', strings = NULL WHERE first_seq = 1",
      'not valid JSON',
    ],
  ])('skips a damaged batch row (%s) with a report and still reads the rest', async (_, damage, says) => {
    const f = open();
    f.publish(rtt('api', 'edge', 's1', T0 + 1_000, 1));
    f.store.flush();
    f.publish(rtt('api', 'edge', 's1', T0 + 61_000, 2));
    f.store.flush();
    const writer = new Database(f.path);
    try {
      writer.prepare(damage).run();
    } finally {
      writer.close();
    }
    expect(seqs(await f.store.after(0, 10))).toEqual([2]);
    expect(f.errors.map((e) => e.context)).toContain(`stored rtt events from seq 1 are ${says}`);
  });

  it('reads rows a version before migration 006 wrote (JSON), beside new ones, and recovers their open minute', async () => {
    const clock = T0 + 5_000;
    const f = open({ now: () => clock, rollupGraceMs: 3_600_000 });
    await f.store.close();
    // The file as hopwatch at schema 5 left it: a session_open row, a JSON batch row, its open minute's mark.
    rmSync(f.path);
    const old = openDatabase(f.path, MIGRATIONS.slice(0, 5));
    const legacy = [
      rtt('api', 'edge', 's1', T0 + 1_000, 7, { seq: 1 }),
      rtt('api', 'edge', 's1', T0 + 2_000, null),
    ];
    try {
      old
        .prepare('INSERT INTO events (seq, ts, kind, body) VALUES (1, ?, ?, ?)')
        .run(T0, 'session_open', JSON.stringify(sessionOpen('api', 'edge', 's1', T0)));
      old
        .prepare(
          'INSERT INTO rtt_event_batches (first_seq, last_seq, first_ts, last_ts, body) VALUES (2, 3, ?, ?, ?)',
        )
        .run(T0 + 1_000, T0 + 2_000, JSON.stringify(legacy.map((event, i) => [i + 2, event])));
      old.prepare("INSERT INTO meta (key, value) VALUES ('last_seq', 3), ('rtt_open_from', ?)").run(T0);
    } finally {
      old.close();
    }
    await f.reopen({ now: () => clock, rollupGraceMs: 3_600_000 });
    expect(f.store.lastSeq()).toBe(3);
    f.bus.publishRtt([rtt('api', 'edge', 's1', T0 + 3_000, 9, { seq: 3 })]);
    f.store.flush();

    const log = await f.store.after(0, 10);
    expect(log).toEqual([
      { seq: 1, event: sessionOpen('api', 'edge', 's1', T0) },
      { seq: 2, event: legacy[0] },
      { seq: 3, event: legacy[1] },
      { seq: 4, event: rtt('api', 'edge', 's1', T0 + 3_000, 9, { seq: 3 }) },
    ]);
    expect(seqs(await f.store.after(2, 1))).toEqual([3]);
    const samples = await f.store.rttSamples({ target: 'api', leg: 'edge', from: T0, to: T0 + 60_000 });
    expect(samples.map((s) => s.rttMs)).toEqual([7, null, 9]);
    expect(f.errors).toEqual([]);
  });
});
