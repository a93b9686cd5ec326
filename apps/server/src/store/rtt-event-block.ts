// The rtt events of one `rtt_event_batches` row (migration 006), as numbers. One heartbeat per leg per interval
// is nearly the whole event log; serializing each to JSON when it was queued, and writing ~170 bytes of it, was
// the largest storage cost per event on the main thread. A block keeps each event as nine numbers, its names
// (target, leg, session id) once per block, and is written as one little-endian float64 BLOB.
// Reading a block gives back the events as the prober publishes them (the shape of probe/event-batch.ts).
import { endianness } from 'node:os';
import type { RttEvent } from '@hopwatch/shared/protocol';
import type { StoredRtt } from '../events/bus.js';
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

/** Collects rtt events in seq order. Copies every field at `add`, so a producer changing its object later cannot change history. */
export class RttEventBlock {
  readonly #strings: string[] = [];
  readonly #index = new Map<string, number>();
  readonly #numbers: number[] = [];
  #firstSeq = 0;
  #lastSeq = 0;
  #firstTs = 0;
  #lastTs = 0;
  #size = 0;
  /** the minute every event of the block falls in: retention deletes whole rows, by time */
  readonly minute: number;

  constructor(minute: number) {
    this.minute = minute;
  }

  get size(): number {
    return this.#size;
  }

  /** `ts`: the event's time as the row is indexed by (the caller's finite stand-in for a broken ts) */
  add(seq: number, event: RttEvent, ts: number): void {
    if (this.#size === 0) {
      this.#firstSeq = seq;
      this.#firstTs = ts;
      this.#lastTs = ts;
    }
    this.#lastSeq = seq;
    if (ts < this.#firstTs) this.#firstTs = ts;
    if (ts > this.#lastTs) this.#lastTs = ts;
    const at = this.#numbers.length;
    this.#numbers.push(seq);
    writeRttNumbers(this.#numbers, at + 1, event, [
      this.#intern(event.target),
      this.#intern(event.leg),
      this.#intern(event.sessionId),
    ]);
    this.#size += 1;
  }

  encode(): EncodedRttBlock {
    const samples = Buffer.from(Float64Array.from(this.#numbers).buffer);
    if (BIG_ENDIAN) samples.swap64();
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
