// The bus hands rtt events to each subscriber as it asked (one by one, in runs, or not at all); whichever way
// they were published, every subscriber sees the same events with the same seqs, in seq order.
import type { HopEvent, RttEvent, StoredEvent } from '@hopwatch/shared/protocol';
import { describe, expect, it, vi } from 'vitest';
import { rtt as storedRtt } from '../store/test-support/store-fixture.js';
import { EventBus, type StoredRtt } from './bus.js';

const rtt = (leg: string, seq: number): RttEvent =>
  storedRtt('t', leg, `s-${leg}`, 1_700_000_000_000 + seq, seq % 3 === 0 ? null : 0.4, {
    seq,
    suspect: seq % 4 === 0,
  });
const state = (leg: string): HopEvent => ({
  kind: 'leg_state',
  ts: 1_700_000_000_000,
  target: 't',
  leg,
  state: 'up',
  since: 1_700_000_000_000,
  retryAt: null,
});

/** what is published, in order: an array is one run of rtt events (publishRtt) */
type Step = HopEvent | RttEvent[];

function publish(bus: EventBus, steps: Step[], runs: boolean): void {
  for (const step of steps) {
    if (!Array.isArray(step)) bus.publish(step);
    else if (runs) bus.publishRtt(step);
    else for (const event of step) bus.publish(event);
  }
}

/** Subscribes one subscriber of each kind; returns what each saw, and how many calls it took. */
function record(bus: EventBus) {
  const each: StoredEvent[] = [];
  const batched: StoredEvent[] = [];
  const batches: number[] = [];
  const ignoring: StoredEvent[] = [];
  bus.subscribe((stored) => each.push(stored));
  bus.subscribe((stored) => batched.push(stored), {
    rtt: (batch: readonly StoredRtt[]) => {
      batches.push(batch.length);
      batched.push(...batch);
    },
  });
  bus.subscribe((stored) => ignoring.push(stored), { rtt: 'ignore' });
  return { each, batched, batches, ignoring };
}

const cases: Array<[string, Step[]]> = [
  ['nothing', []],
  ['one run', [[rtt('a', 1), rtt('b', 2), rtt('c', 3)]]],
  ['an empty run', [[], state('a')]],
  [
    'runs between other events',
    [state('a'), [rtt('a', 1), rtt('b', 2)], state('b'), [rtt('a', 3)], state('c')],
  ],
  ['single rtt events', [rtt('a', 1), state('a'), rtt('a', 2)]],
];

describe('EventBus: rtt events in runs', () => {
  it.each(cases)('%s: every subscriber sees the same events and seqs either way', (_, steps) => {
    const oneByOne = new EventBus();
    const byRun = new EventBus();
    const seenOneByOne = record(oneByOne);
    const seenByRun = record(byRun);
    publish(oneByOne, steps, false);
    publish(byRun, steps, true);

    const published = steps.flat();
    const expected = published.map((event, i) => ({ seq: i + 1, event }));
    for (const seen of [seenOneByOne, seenByRun]) {
      expect(seen.each).toEqual(expected);
      expect(seen.batched).toEqual(expected);
      expect(seen.ignoring).toEqual(expected.filter((s) => s.event.kind !== 'rtt'));
    }
    expect(byRun.lastSeq()).toBe(published.length);
  });

  it('calls a batch subscriber once per run, and once per rtt event published alone', () => {
    const bus = new EventBus();
    const { batches } = record(bus);
    bus.publishRtt([rtt('a', 1), rtt('b', 2), rtt('c', 3)]);
    bus.publish(rtt('a', 4));
    bus.publishRtt([]);
    expect(batches).toEqual([3, 1]);
  });

  it('returns the run with its seqs', () => {
    const bus = new EventBus();
    bus.publish(state('a'));
    const events = [rtt('a', 1), rtt('b', 2)];
    expect(bus.publishRtt(events)).toEqual([
      { seq: 2, event: events[0] },
      { seq: 3, event: events[1] },
    ]);
  });

  describe('a subscriber that throws', () => {
    it('does not stop the others, and its error is rethrown on its own', async () => {
      const bus = new EventBus();
      const thrown: unknown[] = [];
      const onError = (error: unknown) => thrown.push(error);
      process.on('uncaughtException', onError);
      try {
        bus.subscribe(() => {
          throw new Error('one by one');
        });
        bus.subscribe(() => {}, {
          rtt: () => {
            throw new Error('in a run');
          },
        });
        const { each, batched } = record(bus);
        bus.publishRtt([rtt('a', 1), rtt('b', 2)]);
        expect(each.map((s) => s.seq)).toEqual([1, 2]);
        expect(batched.map((s) => s.seq)).toEqual([1, 2]);
        await vi.waitFor(() => expect(thrown).toHaveLength(3));
        expect(thrown.map((e) => (e as Error).message).sort()).toEqual([
          'in a run',
          'one by one',
          'one by one',
        ]);
      } finally {
        process.off('uncaughtException', onError);
      }
    });
  });
});
