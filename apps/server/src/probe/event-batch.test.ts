import type { HopEvent, RttEvent } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import { legSlots } from '../events/leg-slots.js';
import { EventPacker, EventUnpacker } from './event-batch.js';

const rtt = (leg: string, seq: number, over: Partial<RttEvent> = {}): RttEvent => ({
  kind: 'rtt',
  ts: 1_700_000_000_000 + seq,
  target: 't',
  leg,
  sessionId: `s-${leg}`,
  seq,
  rttMs: 0.352,
  suspect: false,
  lateMs: 0.25,
  ...over,
});
const state = (leg: string, ts: number): HopEvent => ({
  kind: 'leg_state',
  ts,
  target: 't',
  leg,
  state: 'up',
  since: ts,
  retryAt: null,
});

function roundTrip(events: HopEvent[]): HopEvent[] {
  const packer = new EventPacker();
  for (const event of events) packer.add(event);
  expect(packer.size).toBe(events.length);
  // what crosses the thread boundary: a structured clone of the batch
  const packed = structuredClone(packer.take());
  expect(packer.size).toBe(0);
  const out: HopEvent[] = [];
  new EventUnpacker().events(packed, (event) => out.push(event));
  return out;
}

describe('packed prober events', () => {
  it.each<[string, HopEvent[]]>([
    ['nothing', []],
    ['one sample', [rtt('a', 1)]],
    ['a lost heartbeat (rttMs null)', [rtt('a', 2, { rttMs: null })]],
    ['a suspect sample', [rtt('a', 3, { suspect: true, lateMs: 812 })]],
    ['a sample of an older version, without lateMs', [{ ...rtt('a', 4), lateMs: undefined } as RttEvent]],
    ['other events only', [state('a', 1), state('b', 2)]],
    [
      'events before, between and after samples',
      [state('a', 1), rtt('a', 1), rtt('b', 1), state('b', 2), rtt('a', 2), state('c', 3)],
    ],
    ['many legs and sessions sharing strings', Array.from({ length: 50 }, (_, i) => rtt(`l${i % 7}`, i))],
  ])('%s comes out as it went in, in order', (_, events) => {
    const expected = events.map((e) =>
      e.kind === 'rtt' && e.lateMs === undefined ? (({ lateMs, ...rest }) => rest)(e) : e,
    );
    expect(roundTrip(events)).toEqual(expected);
  });

  it('keeps property order, so stored JSON reads as before', () => {
    const [out] = roundTrip([rtt('a', 1)]);
    expect(JSON.stringify(out)).toBe(JSON.stringify(rtt('a', 1)));
  });

  it.each<[string, HopEvent[], string[]]>([
    ['nothing', [], []],
    ['samples only: one run', [rtt('a', 1), rtt('b', 1), rtt('c', 1)], ['rtt a1 b1 c1']],
    ['others only', [state('a', 1), state('b', 2)], ['leg_state a', 'leg_state b']],
    [
      'samples split into runs by the others between them',
      [state('a', 1), rtt('a', 1), rtt('b', 1), state('b', 2), state('c', 3), rtt('a', 2), state('d', 4)],
      ['leg_state a', 'rtt a1 b1', 'leg_state b', 'leg_state c', 'rtt a2', 'leg_state d'],
    ],
  ])('hands over %s as runs of samples and single others, in order', (_, events, expected) => {
    const packer = new EventPacker();
    for (const event of events) packer.add(event);
    const seen: string[] = [];
    new EventUnpacker().runs(structuredClone(packer.take()), {
      rtt: (run) => seen.push(`rtt ${run.map((e) => `${e.leg}${e.seq}`).join(' ')}`),
      other: (event) => seen.push(`${event.kind} ${'leg' in event ? event.leg : ''}`),
    });
    expect(seen).toEqual(expected);
  });

  /** Packs each list of events as one batch and unpacks them in order with one unpacker, as the threads do. */
  function batches(packer: EventPacker, unpacker: EventUnpacker, lists: HopEvent[][]) {
    return lists.map((events) => {
      for (const event of events) packer.add(event);
      const packed = structuredClone(packer.take());
      const out: HopEvent[] = [];
      unpacker.events(packed, (event) => out.push(event));
      return { packed, out };
    });
  }

  it('sends each string once across batches, and the main thread reads every batch with its table', () => {
    const lists = [[rtt('a', 1), rtt('b', 1)], [rtt('a', 2), rtt('c', 1)], [rtt('b', 2)]];
    const result = batches(new EventPacker(), new EventUnpacker(), lists);
    expect(result.map(({ out }) => out)).toEqual(lists);
    expect(result.map(({ packed }) => [packed.resetStrings, packed.stringsFrom, packed.strings])).toEqual([
      [true, 0, ['t', 'a', 's-a', 'b', 's-b']],
      [false, 5, ['c', 's-c']],
      [false, 7, []],
    ]);
  });

  it('starts the table over past its limit, and the main thread with it', () => {
    const packer = new EventPacker(4);
    const lists = [[rtt('a', 1), rtt('b', 1)], [rtt('c', 1)], [rtt('a', 2)]];
    const result = batches(packer, new EventUnpacker(), lists);
    expect(result.map(({ out }) => out)).toEqual(lists);
    // 5 strings after the first batch: more than 4, so the second starts over
    expect(result.map(({ packed }) => [packed.resetStrings, packed.stringsFrom])).toEqual([
      [true, 0],
      [true, 0],
      [false, 3],
    ]);
  });

  it('a new packer (a prober thread started again) resets the table the main thread kept', () => {
    const unpacker = new EventUnpacker();
    batches(new EventPacker(), unpacker, [[rtt('a', 1), rtt('b', 1)]]);
    const again = batches(new EventPacker(), unpacker, [[rtt('c', 1)], [rtt('c', 2)]]);
    expect(again.map(({ out }) => out)).toEqual([[rtt('c', 1)], [rtt('c', 2)]]);
  });

  it('refuses a batch that does not follow the last one, rather than name the wrong legs', () => {
    const packer = new EventPacker();
    const unpacker = new EventUnpacker();
    packer.add(rtt('a', 1));
    packer.take(); // never delivered
    packer.add(rtt('b', 1));
    expect(() => unpacker.events(packer.take(), () => {})).toThrow(
      /out of order: strings from 3, table has 0/,
    );
  });

  it('a batch larger than the first buffer of the packer comes out whole', () => {
    const events = Array.from({ length: 2500 }, (_, i) => rtt(`l${i % 300}`, i));
    expect(roundTrip(events)).toEqual(events);
  });

  it('each batch gets a buffer of its own: the next batch does not write into one already handed over', () => {
    const packer = new EventPacker();
    packer.add(rtt('a', 1));
    const first = packer.take();
    packer.add(rtt('b', 2));
    packer.take();
    const out: HopEvent[] = [];
    new EventUnpacker().events(first, (event) => out.push(event));
    expect(out).toEqual([rtt('a', 1)]);
  });

  it('gives each sample the slot of its own leg, across table resets and a new packer', () => {
    // A table of 8 strings starts over every few batches, and each time the same indices name other legs (and
    // other targets): a slot remembered by index past a reset, or past a new packer, would name the wrong leg.
    const sample = (target: string, leg: string, seq: number) => ({
      ...rtt(leg, seq),
      target,
      sessionId: `s-${target}-${leg}`,
    });
    const lists = Array.from({ length: 12 }, (_, b) =>
      Array.from({ length: 3 }, (_, i) => sample(`t${(b + i) % 2}`, `l${(b * 3 + i) % 5}`, b)),
    );
    const unpacker = new EventUnpacker();
    const seen: Array<{ event: RttEvent; slot: number }> = [];
    let resets = 0;
    let packer = new EventPacker(8);
    for (const [b, list] of lists.entries()) {
      // halfway, a prober thread started again: a new packer, whose table the unpacker starts over with
      if (b === 6) packer = new EventPacker(8);
      for (const event of list) packer.add(event);
      const packed = structuredClone(packer.take());
      if (packed.resetStrings) resets += 1;
      unpacker.runs(packed, {
        rtt: (events, slots) => {
          expect(slots).toHaveLength(events.length);
          for (const [i, event] of events.entries()) seen.push({ event, slot: slots[i]! });
        },
        other: () => {},
      });
    }
    expect(resets).toBeGreaterThan(3);
    expect(seen.map(({ event }) => event)).toEqual(lists.flat());
    for (const { event, slot } of seen) expect(slot).toBe(legSlots.slotOf(event.target, event.leg));
    // one slot per (target, leg), different legs apart
    expect(new Set(seen.map(({ slot }) => slot)).size).toBe(
      new Set(seen.map(({ event }) => `${event.target}/${event.leg}`)).size,
    );
  });
});

describe("a session's writer (PackedRttWriter)", () => {
  /** writes each rtt event through its session's writer, adds the rest, and unpacks batch by batch */
  function throughWriters(packer: EventPacker, lists: HopEvent[][]): HopEvent[][] {
    const writers = new Map<string, ReturnType<EventPacker['session']>>();
    const unpacker = new EventUnpacker();
    return lists.map((events) => {
      for (const event of events) {
        if (event.kind !== 'rtt') {
          packer.add(event);
          continue;
        }
        let writer = writers.get(event.sessionId);
        if (!writer) {
          writer = packer.session(event.target, event.leg, event.sessionId);
          writers.set(event.sessionId, writer);
        }
        writer.write(event.ts, event.seq, event.rttMs, event.suspect, event.lateMs ?? Number.NaN);
      }
      const out: HopEvent[] = [];
      unpacker.events(structuredClone(packer.take()), (event) => out.push(event));
      return out;
    });
  }

  it.each<[string, number, HopEvent[][]]>([
    [
      'samples and other events in one batch, in order',
      100,
      [[state('a', 1), rtt('a', 1), rtt('b', 1), state('b', 2), rtt('a', 2)]],
    ],
    [
      'lost and suspect samples',
      100,
      [[rtt('a', 1, { rttMs: null }), rtt('a', 2, { suspect: true, lateMs: 812 })]],
    ],
    [
      'the same sessions over several batches',
      100,
      [[rtt('a', 1), rtt('b', 1)], [rtt('a', 2)], [rtt('b', 2), rtt('c', 1)]],
    ],
    // writers made before the table starts over name their legs again after it
    [
      'across tables started over',
      4,
      [
        [rtt('a', 1), rtt('b', 1)],
        [rtt('c', 1), rtt('a', 2)],
        [rtt('b', 2), rtt('a', 3)],
      ],
    ],
  ])('%s: what add() of the same events would give', (_, maxStrings, lists) => {
    expect(throughWriters(new EventPacker(maxStrings), lists)).toEqual(lists);
  });

  it('calls onSample for every sample, written or added', () => {
    let samples = 0;
    const packer = new EventPacker(100, () => {
      samples += 1;
    });
    packer.add(rtt('a', 1));
    packer.add(state('a', 2));
    packer.session('t', 'b', 's-b').write(1, 1, 0.5, false, 0);
    expect(samples).toBe(2);
  });
});
