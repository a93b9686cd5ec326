import type { RttEvent } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import { legSlots, NO_SLOT } from '../events/leg-slots.js';
import { decodeRttEventBlock, RTT_EVENT_BYTES, RttBlockNames, RttEventBlock } from './rtt-event-block.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const rtt = (over: Partial<RttEvent> = {}): RttEvent => ({
  kind: 'rtt',
  ts: T0 + 1_234.5,
  target: 'api',
  leg: 'edge',
  sessionId: 's1',
  seq: 17,
  rttMs: 0.352,
  suspect: false,
  lateMs: 0.25,
  ...over,
});

function roundTrip(events: Array<[seq: number, event: RttEvent]>) {
  const block = new RttEventBlock(T0);
  for (const [seq, event] of events) block.add(seq, event, event.ts);
  const encoded = block.encode();
  return { encoded, decoded: decodeRttEventBlock(encoded.samples, encoded.strings) };
}

describe('a block of rtt events', () => {
  it.each<[string, RttEvent]>([
    ['an answered heartbeat', rtt()],
    ['a lost heartbeat (rttMs null)', rtt({ rttMs: null })],
    ['a suspect sample', rtt({ suspect: true, lateMs: 812 })],
    ['lateMs 0', rtt({ lateMs: 0 })],
    ['an older version without lateMs', (({ lateMs, ...rest }) => rest)(rtt())],
    ['names with quotes, NUL and non-ASCII', rtt({ target: 'a"b\\c', leg: 'é\u0000x', sessionId: '🦊' })],
    ['a large heartbeat seq and fractional times', rtt({ seq: 2 ** 40, ts: T0 + 0.125, rttMs: 1e-6 })],
  ])('%s reads back as the event that was published', (_, event) => {
    const { decoded } = roundTrip([[42, event]]);
    expect(decoded).toEqual([{ seq: 42, event }]);
    // the same JSON the API writes from it: property order as the prober publishes
    expect(JSON.stringify(decoded[0]!.event)).toBe(JSON.stringify(event));
  });

  it('keeps many events in seq order, each name once, with the row bounds retention and reads use', () => {
    const events = Array.from({ length: 50 }, (_, i): [number, RttEvent] => [
      100 + i * 2,
      rtt({ leg: `l${i % 7}`, sessionId: `s${i % 7}`, ts: T0 + 50_000 - i * 10, seq: i }),
    ]);
    const { encoded, decoded } = roundTrip(events);
    expect(decoded).toEqual(events.map(([seq, event]) => ({ seq, event })));
    expect(JSON.parse(encoded.strings)).toHaveLength(1 + 7 + 7);
    expect(encoded.samples.byteLength).toBe(50 * RTT_EVENT_BYTES);
    expect(encoded).toMatchObject({ firstSeq: 100, lastSeq: 198, firstTs: T0 + 49_510, lastTs: T0 + 50_000 });
  });

  it.each([1, 511, 512, 513, 5_000])(
    'holds %d events, past the room it starts with, and encodes again the same',
    (count) => {
      const events = Array.from({ length: count }, (_, i): [number, RttEvent] => [
        i + 1,
        rtt({ leg: `l${i % 300}`, sessionId: `s${i % 300}`, ts: T0 + i, seq: i, rttMs: i / 8 }),
      ]);
      const block = new RttEventBlock(T0);
      for (const [seq, event] of events) block.add(seq, event, event.ts);
      const first = block.encode();
      expect(first.samples.byteLength).toBe(count * RTT_EVENT_BYTES);
      expect(decodeRttEventBlock(first.samples, first.strings)).toEqual(
        events.map(([seq, event]) => ({ seq, event })),
      );
      // a failed flush writes the same blocks again
      expect(block.encode()).toEqual(first);
    },
  );

  it('copies the event when it is added: a producer changing it later changes nothing', () => {
    const event = rtt();
    const block = new RttEventBlock(T0);
    block.add(1, event, event.ts);
    event.rttMs = 999;
    event.leg = 'other';
    const encoded = block.encode();
    expect(decodeRttEventBlock(encoded.samples, encoded.strings)[0]!.event).toEqual(rtt());
  });

  it('reads a BLOB that is not 8-byte aligned (as SQLite may hand it over)', () => {
    const { encoded } = roundTrip([[1, rtt()]]);
    const shifted = Buffer.alloc(encoded.samples.byteLength + 1);
    encoded.samples.copy(shifted, 1);
    expect(decodeRttEventBlock(shifted.subarray(1), encoded.strings)).toEqual([{ seq: 1, event: rtt() }]);
  });

  it.each([
    ['numbers cut short', Buffer.alloc(RTT_EVENT_BYTES - 1), '["api","edge","s1"]'],
    ['names that are not a list', Buffer.alloc(RTT_EVENT_BYTES), '{"api":1}'],
    ['names that are not JSON', Buffer.alloc(RTT_EVENT_BYTES), '["api"'],
    ['a name the row lacks', Buffer.alloc(RTT_EVENT_BYTES), '[]'],
  ])('refuses %s', (_, samples, strings) => {
    expect(() => decodeRttEventBlock(samples, strings)).toThrow();
  });

  it('finds the names of samples with slots by number, block after block: each reads back as it went in', () => {
    // Blocks of one event log share where names stand; a place remembered from another block, or a session
    // remembered past a reconnect, would name another leg or session. A target named like a leg, the same leg
    // name in two targets, a reconnect inside a block, and samples without a slot among them.
    const names = new RttBlockNames();
    const legs: Array<[target: string, leg: string]> = [
      ['api', 'edge'],
      ['web', 'edge'],
      ['edge', 'api'],
      ['api', 'lb'],
    ];
    let seq = 0;
    for (let b = 0; b < 6; b++) {
      const block = new RttEventBlock(T0, names);
      const added: Array<{ seq: number; event: RttEvent }> = [];
      for (let i = 0; i < 9; i++) {
        const [target, leg] = legs[(b + i) % legs.length]!;
        // each leg reconnects every few samples, sometimes within a block
        const event = rtt({
          target,
          leg,
          sessionId: `${target}/${leg}#${Math.floor((b * 9 + i) / 5)}`,
          seq: i,
        });
        seq += 1;
        block.add(seq, event, event.ts, i % 4 === 3 ? NO_SLOT : legSlots.slotOf(target, leg));
        added.push({ seq, event });
      }
      const encoded = block.encode();
      expect(decodeRttEventBlock(encoded.samples, encoded.strings)).toEqual(added);
      // each text once, but for what came both with a slot and without
      const strings = JSON.parse(encoded.strings) as string[];
      const texts = new Set(added.flatMap(({ event }) => [event.target, event.leg, event.sessionId]));
      expect(strings.length).toBeGreaterThanOrEqual(texts.size);
      expect(strings.length).toBeLessThan(2 * texts.size);
    }
  });
});
