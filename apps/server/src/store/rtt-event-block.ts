// The rtt events of one `rtt_event_batches` row (migration 006), as numbers. One heartbeat per leg per interval
// is nearly the whole event log; serializing each to JSON when it was queued, and writing ~170 bytes of it, was
// the largest storage cost per event on the main thread. A block keeps each event as nine numbers, its names
// (target, leg, session id) once per block, and is written as one little-endian float64 BLOB.
// Reading a block gives back the events as the prober publishes them (the shape of probe/event-batch.ts).
import { endianness } from 'node:os';
import type { RttEvent } from '@hopwatch/shared/protocol';
import type { StoredRtt } from '../events/bus.js';
import { grownToHold, legSlots, NO_SLOT } from '../events/leg-slots.js';
import { RTT_NUMBERS, readRttNumbers, writeRttNumbers } from '../events/rtt-numbers.js';

/** numbers per event: its seq, then the event as events/rtt-numbers.ts lays it out (names index `strings`) */
const FIELDS = 1 + RTT_NUMBERS;
/** bytes per event in a block's BLOB */
export const RTT_EVENT_BYTES = FIELDS * 8;
const BIG_ENDIAN = endianness() === 'BE';

export interface EncodedRttBlock {
  firstSeq: number;
  lastSeq: number;
  firstTs: number;
  lastTs: number;
  /** FIELDS float64 per event, little-endian; rttMs NaN = null (lost), lateMs NaN = absent, suspect 0/1 */
  samples: Buffer;
  /** JSON array of the strings the samples point to */
  strings: string;
}

/**
 * Where the names of samples that carry their leg slot (events/leg-slots.ts) stand in the blocks of one event
 * log. A block of a flush holds about a thousand samples of as many legs, so nearly every sample brings names
 * the block lacks; finding that out by hashing three strings in a map that grows with the block was most of
 * queueing a sample. Here each target and leg name (by LegSlots' name number) and each slot's session remember
 * the last block that holds them and where: array reads. Events without a slot are interned by text, as before;
 * a name that comes both ways into one block is stored twice, which reads back the same.
 */
export class RttBlockNames {
  #blocks = 0;
  /** by name number: the last block holding the name, and its index there */
  #nameBlock = new Int32Array(256);
  #nameAt = new Int32Array(256);
  /** by slot: the last block holding the slot's session, its index there, and which session it was */
  #sessionBlock = new Int32Array(256);
  #sessionAt = new Int32Array(256);
  readonly #sessions: string[] = [];

  /** a number for a new block (never 0, which the arrays start with) */
  nextBlock(): number {
    this.#blocks += 1;
    return this.#blocks;
  }

  /** The index of a target or leg name in `block`'s `strings`, added to them on its first use there. */
  name(block: number, number: number, text: string, strings: string[]): number {
    this.#nameBlock = grownToHold(this.#nameBlock, number);
    this.#nameAt = grownToHold(this.#nameAt, number);
    if (this.#nameBlock[number] !== block) {
      this.#nameBlock[number] = block;
      this.#nameAt[number] = strings.push(text) - 1;
    }
    return this.#nameAt[number]!;
  }

  /** The index of the slot's session id in `block`'s `strings`; a session belongs to one leg, so to one slot. */
  session(block: number, slot: number, sessionId: string, strings: string[]): number {
    this.#sessionBlock = grownToHold(this.#sessionBlock, slot);
    this.#sessionAt = grownToHold(this.#sessionAt, slot);
    while (this.#sessions.length <= slot) this.#sessions.push('');
    if (this.#sessionBlock[slot] !== block || this.#sessions[slot] !== sessionId) {
      this.#sessionBlock[slot] = block;
      this.#sessions[slot] = sessionId;
      this.#sessionAt[slot] = strings.push(sessionId) - 1;
    }
    return this.#sessionAt[slot]!;
  }
}

/** Collects rtt events in seq order. Copies every field at `add`, so a producer changing its object later cannot change history. */
export class RttEventBlock {
  readonly #strings: string[] = [];
  readonly #index = new Map<string, number>();
  readonly #names: RttBlockNames;
  readonly #id: number;
  /** the names of the sample being added, reused: a tuple per sample is garbage per sample */
  readonly #sampleNames: [target: number, leg: number, session: number] = [0, 0, 0];
  /** FIELDS numbers per event, the first `#used` of them filled; grows by doubling (a block holds a flush's worth) */
  #numbers = new Float64Array(FIELDS * 512);
  #used = 0;
  #firstSeq = 0;
  #lastSeq = 0;
  #firstTs = 0;
  #lastTs = 0;
  #size = 0;
  /** the minute every event of the block falls in: retention deletes whole rows, by time */
  readonly minute: number;

  /** `names`: shared by the blocks of one event log; a block on its own needs none */
  constructor(minute: number, names = new RttBlockNames()) {
    this.minute = minute;
    this.#names = names;
    this.#id = names.nextBlock();
  }

  get size(): number {
    return this.#size;
  }

  /**
   * `ts`: the event's time as the row is indexed by (the caller's finite stand-in for a broken ts); `slot`: the
   * event's leg slot, if it carries one
   */
  add(seq: number, event: RttEvent, ts: number, slot = NO_SLOT): void {
    if (this.#size === 0) {
      this.#firstSeq = seq;
      this.#firstTs = ts;
      this.#lastTs = ts;
    }
    this.#lastSeq = seq;
    if (ts < this.#firstTs) this.#firstTs = ts;
    if (ts > this.#lastTs) this.#lastTs = ts;
    const at = this.#used;
    if (at + FIELDS > this.#numbers.length) {
      const grown = new Float64Array(this.#numbers.length * 2);
      grown.set(this.#numbers);
      this.#numbers = grown;
    }
    const numbers = this.#numbers;
    numbers[at] = seq;
    writeRttNumbers(numbers, at + 1, event, this.#namesOf(event, slot));
    this.#used = at + FIELDS;
    this.#size += 1;
  }

  #namesOf(event: RttEvent, slot: number): readonly [number, number, number] {
    const names = this.#sampleNames;
    const numbers = slot === NO_SLOT ? undefined : legSlots.names(slot);
    if (numbers === undefined) {
      names[0] = this.#intern(event.target);
      names[1] = this.#intern(event.leg);
      names[2] = this.#intern(event.sessionId);
      return names;
    }
    const strings = this.#strings;
    names[0] = this.#names.name(this.#id, numbers[0], event.target, strings);
    names[1] = this.#names.name(this.#id, numbers[1], event.leg, strings);
    names[2] = this.#names.session(this.#id, slot, event.sessionId, strings);
    return names;
  }

  encode(): EncodedRttBlock {
    // A view of the block's own numbers: SQLite copies them when the row is written. Encoding may happen again
    // (a failed flush is retried with the same blocks), so a big-endian machine swaps a copy, not the numbers.
    const view = Buffer.from(this.#numbers.buffer, 0, this.#used * 8);
    const samples = BIG_ENDIAN ? Buffer.from(view).swap64() : view;
    return {
      firstSeq: this.#firstSeq,
      lastSeq: this.#lastSeq,
      firstTs: this.#firstTs,
      lastTs: this.#lastTs,
      samples,
      strings: JSON.stringify(this.#strings),
    };
  }

  #intern(text: string): number {
    let index = this.#index.get(text);
    if (index === undefined) {
      index = this.#strings.length;
      // String(): a malformed event must still store (and read back) as text, not as what it was.
      this.#strings.push(String(text));
      this.#index.set(text, index);
    }
    return index;
  }
}

/** The events of a block, in seq order. Throws on a row that is not a block; the caller reports it. */
export function decodeRttEventBlock(samples: Uint8Array, stringsJson: string): StoredRtt[] {
  const strings = JSON.parse(stringsJson) as unknown;
  if (!Array.isArray(strings) || samples.byteLength % RTT_EVENT_BYTES !== 0) {
    throw new TypeError('not a block of rtt events');
  }
  // Copied: a Buffer from SQLite need not be 8-byte aligned, and a Float64Array view must be.
  const numbers = new Float64Array(samples.byteLength / 8);
  new Uint8Array(numbers.buffer).set(samples);
  if (BIG_ENDIAN) Buffer.from(numbers.buffer).swap64();
  const name = (index: number): string => {
    const text = strings[index] as unknown;
    if (typeof text !== 'string')
      throw new TypeError(`rtt event block names string ${index}, which it lacks`);
    return text;
  };
  const events: StoredRtt[] = [];
  for (let at = 0; at < numbers.length; at += FIELDS) {
    events.push({ seq: numbers[at]!, event: readRttNumbers(numbers, at + 1, name) });
  }
  return events;
}
