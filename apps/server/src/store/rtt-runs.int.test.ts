// rtt events published in runs (EventBus.publishRtt, as the prober thread delivers them) must be stored and read
// exactly as the same events published one at a time: same seqs, same event log, same samples and series,
// same rows on disk, after a restart too. Runs unpacked from the prober thread's batches also carry each
// sample's leg slot (events/leg-slots.ts), by which the store finds its leg id and open minute: a slot found
// through a stale cache would store a sample under another leg or in a minute already written.
import type { HopEvent, RttEvent } from '@hopwatch/shared/protocol';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { legSlots } from '../events/leg-slots.js';
import {
  closedSession,
  rtt,
  type StoreFixture,
  sessionOpen,
  useStoreFixtures,
} from './test-support/store-fixture.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const open = useStoreFixtures();

/** what is published, in order: an array is one run of rtt events */
type Step = HopEvent | RttEvent[];

/**
 * one at a time; in runs by EventBus.publishRtt; or in runs with each sample's leg slot, as the prober thread's
 * batches are unpacked (probe/event-batch.ts, whose tests check it gives each sample its own leg's slot)
 */
type How = 'one' | 'runs' | 'slots';

function publish(f: StoreFixture, steps: Step[], how: How): void {
  for (const step of steps) {
    if (!Array.isArray(step)) f.publish(step);
    else if (how === 'one') f.publish(...step);
    else if (how === 'runs') f.bus.publishRtt(step);
    else
      f.bus.publishRtt(
        step,
        Int32Array.from(step, (event) => legSlots.slotOf(event.target, event.leg)),
      );
  }
}

/** A run of heartbeats of several legs, some lost, some suspect, some late. */
function run(at: number, legs: string[], n: number): RttEvent[] {
  return legs.map((leg, i) => ({
    ...rtt('api', leg, `s-${leg}`, at + i, (n * 7 + i) % 5 === 0 ? null : 0.3 + ((n + i) % 9) / 10, {
      seq: n,
      suspect: (n + i) % 6 === 0,
    }),
    ...((n + i) % 4 === 0 ? { lateMs: (n + i) / 4 } : {}),
  }));
}

const LEGS = ['edge', 'lb', 'app'];
const opens: Step[] = LEGS.map((leg) => sessionOpen('api', leg, `s-${leg}`, T0));

const cases: Array<[string, Step[]]> = [
  ['one run', [...opens, run(T0 + 1_000, LEGS, 1)]],
  [
    'runs with other events between them',
    [
      ...opens,
      run(T0 + 1_000, LEGS, 1),
      run(T0 + 2_000, LEGS, 2),
      {
        kind: 'session_close',
        ts: T0 + 2_500,
        target: 'api',
        leg: 'lb',
        session: closedSession('api', 'lb', 's-lb', T0, T0 + 2_500),
      },
      run(T0 + 3_000, ['edge', 'app'], 3),
    ],
  ],
  [
    'runs across a minute turn and into the next minutes',
    [...opens, ...Array.from({ length: 150 }, (_, i) => run(T0 + 59_000 + i * 1_000, LEGS, i))],
  ],
  [
    'a run of one, and rtt events of legs never opened',
    [run(T0 + 1_000, ['ghost'], 1), run(T0 + 2_000, LEGS, 2)],
  ],
];

/** Everything a reader can get back, through the Store interface and from the file. */
async function readBack(f: StoreFixture) {
  const from = T0 - 60_000;
  const to = T0 + 10 * 60_000;
  const api = {
    log: await f.store.after(0, 10_000),
    samples: await f.store.rttSamples({ target: 'api', from, to }),
    series: await Promise.all(
      LEGS.map((leg) => f.store.rttSeries({ target: 'api', leg, from, to, stepMs: 10_000 })),
    ),
    minutes: await Promise.all(
      LEGS.map((leg) => f.store.rttSeries({ target: 'api', leg, from, to, stepMs: 60_000 })),
    ),
    sessions: await f.store.sessions({ limit: 100 }),
  };
  return api;
}

function rowsOnDisk(path: string) {
  const reader = new Database(path, { readonly: true });
  try {
    return {
      chunks: reader.prepare('SELECT * FROM rtt_chunks ORDER BY leg_id, minute').all(),
      rollups: reader.prepare('SELECT * FROM rtt_rollup ORDER BY leg_id, minute').all(),
      legs: reader.prepare('SELECT * FROM legs ORDER BY id').all(),
    };
  } finally {
    reader.close();
  }
}

describe('rtt events published in runs', () => {
  it.each(
    cases.flatMap(([name, steps]) => [
      [`${name}, in runs`, steps, 'runs'] as const,
      [`${name}, with slots`, steps, 'slots'] as const,
    ]),
  )('%s: stored and read exactly as one at a time', async (_, steps, how) => {
    // A clock past every minute (plus grace) rolls them all up; before it they stay open in memory.
    let clock = T0 + 3_000;
    const oneByOne = open({ now: () => clock });
    const byRun = open({ now: () => clock });
    publish(oneByOne, steps, 'one');
    publish(byRun, steps, how);

    const expectedLog = steps.flat().map((event, i) => ({ seq: i + 1, event }));
    const read = await readBack(byRun);
    expect(read.log).toEqual(expectedLog);
    expect(read).toEqual(await readBack(oneByOne));

    // after a restart: the open minutes come back from the event log
    await oneByOne.reopen({ now: () => clock });
    await byRun.reopen({ now: () => clock });
    expect(await readBack(byRun)).toEqual(read);
    expect(await readBack(oneByOne)).toEqual(read);

    // once every minute is written as chunks and rollups, the rows on disk are the same too
    clock = T0 + 20 * 60_000;
    byRun.store.flush();
    oneByOne.store.flush();
    await byRun.store.close();
    await oneByOne.store.close();
    const rows = rowsOnDisk(byRun.path);
    expect(rows.chunks.length).toBeGreaterThan(0);
    expect(rows).toEqual(rowsOnDisk(oneByOne.path));
    expect(oneByOne.errors).toEqual([]);
    expect(byRun.errors).toEqual([]);
  });

  it('stores samples with slots as one at a time across written minutes, legs of other targets and a reopened store', async () => {
    // Two targets with the same leg names (one slot each), samples arriving after their minute was written (a
    // new, partial minute merged with the stored chunk), and the store reopened while the same prober thread
    // goes on: everything a slot points to must follow, or rows land under the wrong leg or in a lost minute.
    const targets = ['api', 'web'];
    const opens2 = targets.flatMap((target) =>
      LEGS.map((leg) => sessionOpen(target, leg, `s-${target}-${leg}`, T0)),
    );
    const runOf = (at: number, n: number): RttEvent[] =>
      run(at, LEGS, n).flatMap((event) =>
        targets.map((target) => ({ ...event, target, sessionId: `s-${target}-${event.leg}` })),
      );
    let clock = T0 + 3_000;
    const oneByOne = open({ now: () => clock });
    const bySlot = open({ now: () => clock });
    const both = (steps: Step[]) => {
      publish(oneByOne, steps, 'one');
      publish(bySlot, steps, 'slots');
    };
    both([...opens2, ...Array.from({ length: 5 }, (_, i) => runOf(T0 + 1_000 + i * 1_000, i))]);
    // the first minute is over and written; then a late sample of it, and samples of the next
    clock = T0 + 3 * 60_000;
    oneByOne.store.flush();
    bySlot.store.flush();
    both([runOf(T0 + 30_000, 6), runOf(T0 + 61_000, 7)]);
    clock = T0 + 5 * 60_000;
    oneByOne.store.flush();
    bySlot.store.flush();
    // reopened: a new leg registry, while the prober thread's slots go on
    await oneByOne.reopen({ now: () => clock });
    await bySlot.reopen({ now: () => clock });
    both([runOf(T0 + 62_000, 8), runOf(T0 + 4 * 60_000, 9)]);
    const readAll = async (f: StoreFixture) => ({
      log: await f.store.after(0, 10_000),
      samples: await Promise.all(
        targets.map((target) => f.store.rttSamples({ target, from: T0 - 60_000, to: T0 + 10 * 60_000 })),
      ),
    });
    const read = await readAll(bySlot);
    expect(read.samples.flat()).toHaveLength(9 * LEGS.length * targets.length);
    expect(read).toEqual(await readAll(oneByOne));
    clock = T0 + 20 * 60_000;
    bySlot.store.flush();
    oneByOne.store.flush();
    await bySlot.store.close();
    await oneByOne.store.close();
    expect(rowsOnDisk(bySlot.path)).toEqual(rowsOnDisk(oneByOne.path));
    expect(oneByOne.errors).toEqual([]);
    expect(bySlot.errors).toEqual([]);
  });

  it('gives a run the next seqs, as one at a time would', () => {
    const f = open();
    f.publish(sessionOpen('api', 'edge', 's-edge', T0));
    const stored = f.bus.publishRtt(run(T0 + 1_000, LEGS, 1));
    expect(stored.map((s) => s.seq)).toEqual([2, 3, 4]);
    expect(f.store.lastSeq()).toBe(4);
  });
});
