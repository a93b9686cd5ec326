// rtt events are stored a row per flush and minute (migration 005), yet the event log reads as one sequence:
// GET /api/events and live resume see every event once, in seq order, whichever table holds it.
import type { StoredEvent } from '@hopwatch/shared/protocol';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
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

  it('skips a damaged batch row with a report and still reads the rest', async () => {
    const f = open();
    f.publish(rtt('api', 'edge', 's1', T0 + 1_000, 1));
    f.store.flush();
    f.publish(rtt('api', 'edge', 's1', T0 + 61_000, 2));
    f.store.flush();
    const writer = new Database(f.path);
    try {
      writer.prepare("UPDATE rtt_event_batches SET body = '[[1,' WHERE first_seq = 1").run();
    } finally {
      writer.close();
    }
    expect(seqs(await f.store.after(0, 10))).toEqual([2]);
    expect(f.errors.map((e) => e.context)).toContain('stored rtt events from seq 1 are not valid JSON');
  });
});
