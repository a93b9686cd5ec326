// How the prober thread hands its events to the main thread. Ten thousand legs make ten thousand `rtt` events a
// second; posted as objects, each is a nine-property structured clone on the way out and a fresh object graph
// on the way in, which cost more CPU than the pings themselves. RTT samples therefore travel as numbers in one
// Float64Array per batch (transferred, not copied), their strings in a table both threads keep; the rare other events go as
// they are, each with its place among the samples, so the main thread sees every event in publication order.
import type { HopEvent, RttEvent } from '@hopwatch/shared/protocol';
import { grownToHold, legSlots } from '../events/leg-slots.js';
import { RTT_NUMBERS, readRttNumbers, writeRttFields, writeRttNumbers } from '../events/rtt-numbers.js';
import type { RttWriter } from './rtt-writer.js';

/** numbers per RTT sample, laid out as events/rtt-numbers.ts says; names are indices into the string table */
const FIELDS = RTT_NUMBERS;
/**
 * The string table starts over past this many strings: leg names and session ids stay (twice the legs, about),
 * and every reconnect adds a session id that no sample names once its session ended.
 */
export const MAX_STRINGS = 65_536;

export interface PackedEvents {
  /**
   * Strings RTT samples name that earlier batches did not carry, in table order from `stringsFrom`: the table
   * is shared by every batch of one packer, so a leg's name crosses the thread once, and on the main thread
   * each name is one string object from then on (which its maps find without comparing contents).
   */
  strings: string[];
  /** the table index of strings[0] */
  stringsFrom: number;
  /** the table starts over with this batch (the first of a packer, or the table grew past MAX_STRINGS) */
  resetStrings: boolean;
  /** FIELDS numbers per sample; rttMs NaN = lost (null), lateMs NaN = absent, suspect 0/1 */
  rtt: Float64Array<ArrayBuffer>;
  /** every other event, with how many RTT samples were published before it */
  others: Array<{ after: number; event: HopEvent }>;
}

/** Collects one batch. `take()` hands it over (its buffer is meant for the transfer list) and starts anew. */
export class EventPacker {
  readonly #maxStrings: number;
  readonly #onSample: () => void;
  /** string → its index in the table both threads keep */
  readonly #table = new Map<string, number>();
  /**
   * sessionId → the table indices of its target, leg and session: a session belongs to one leg, so a sample
   * costs one lookup, not three
   */
  readonly #sessions = new Map<string, RttNames>();
  /** strings added to the table since the last take() */
  #fresh: string[] = [];
  #freshFrom = 0;
  #reset = true;
  #generation = 0;
  /** the batch's samples, FIELDS numbers each; grows by doubling and is reused from batch to batch */
  #rtt = new Float64Array(FIELDS * 1024);
  #samples = 0;
  #others: Array<{ after: number; event: HopEvent }> = [];

  /** `onSample`: called after every RTT sample added (the prober thread arms its batch timer there) */
  constructor(maxStrings = MAX_STRINGS, onSample: () => void = () => {}) {
    this.#maxStrings = maxStrings;
    this.#onSample = onSample;
  }

  get size(): number {
    return this.#samples + this.#others.length;
  }

  add(event: HopEvent): void {
    if (event.kind !== 'rtt') {
      this.#others.push({ after: this.#samples, event });
      return;
    }
    const at = this.#reserve();
    writeRttNumbers(this.#rtt, at, event, this.namesOf(event.target, event.leg, event.sessionId));
    this.#samples += 1;
    this.#onSample();
  }

  /**
   * One session's samples, written as numbers with no event object and no lookup each: its names are interned
   * once (again after the table starts over). What `add` of the same rtt events would pack, in the same order
   * among every other event added.
   */
  session(target: string, leg: string, sessionId: string): PackedRttWriter {
    return new PackedRttWriter(this, target, leg, sessionId);
  }

  /** the table's generation: a new one each time the table starts over, when every index handed out is void */
  get generation(): number {
    return this.#generation;
  }

  /** A sample written by a PackedRttWriter; `names` are current (same generation). */
  addRtt(
    names: RttNames,
    ts: number,
    seq: number,
    rttMs: number | null,
    suspect: boolean,
    lateMs: number,
  ): void {
    const at = this.#reserve();
    const rtt = this.#rtt;
    writeRttFields(rtt, at, names, ts, seq, rttMs, suspect, lateMs);
    this.#samples += 1;
    this.#onSample();
  }

  /** the table indices of a session's names, interned when first seen */
  namesOf(target: string, leg: string, sessionId: string): RttNames {
    let names = this.#sessions.get(sessionId);
    if (!names) {
      names = [this.#intern(target), this.#intern(leg), this.#intern(sessionId)];
      this.#sessions.set(sessionId, names);
    }
    return names;
  }

  take(): PackedEvents {
    const packed: PackedEvents = {
      strings: this.#fresh,
      stringsFrom: this.#freshFrom,
      resetStrings: this.#reset,
      // a copy of the batch's part, so the buffer transferred is the batch's own and this one is reused
      rtt: this.#rtt.slice(0, this.#samples * FIELDS),
      others: this.#others,
    };
    this.#fresh = [];
    this.#reset = false;
    if (this.#table.size > this.#maxStrings) {
      this.#table.clear();
      this.#sessions.clear();
      this.#reset = true;
      this.#generation += 1;
    }
    this.#freshFrom = this.#table.size;
    this.#samples = 0;
    this.#others = [];
    return packed;
  }

  /** where the next sample goes; the array grows by doubling */
  #reserve(): number {
    const at = this.#samples * FIELDS;
    if (at + FIELDS > this.#rtt.length) {
      const grown = new Float64Array(this.#rtt.length * 2);
      grown.set(this.#rtt);
      this.#rtt = grown;
    }
    return at;
  }

  #intern(text: string): number {
    let index = this.#table.get(text);
    if (index === undefined) {
      index = this.#table.size;
      this.#table.set(text, index);
      this.#fresh.push(text);
    }
    return index;
  }
}

/** the table indices of a sample's target, leg and session id */
export type RttNames = readonly [target: number, leg: number, session: number];

/** One session's samples into a packer (EventPacker.session). */
export class PackedRttWriter implements RttWriter {
  readonly #packer: EventPacker;
  readonly #target: string;
  readonly #leg: string;
  readonly #sessionId: string;
  #names: RttNames;
  #generation: number;

  constructor(packer: EventPacker, target: string, leg: string, sessionId: string) {
    this.#packer = packer;
    this.#target = target;
    this.#leg = leg;
    this.#sessionId = sessionId;
    this.#generation = packer.generation;
    this.#names = packer.namesOf(target, leg, sessionId);
  }

  write(ts: number, seq: number, rttMs: number | null, suspect: boolean, lateMs: number): void {
    const packer = this.#packer;
    if (this.#generation !== packer.generation) {
      // the table started over since: the names are interned again, and cross the thread again
      this.#generation = packer.generation;
      this.#names = packer.namesOf(this.#target, this.#leg, this.#sessionId);
    }
    packer.addRtt(this.#names, ts, seq, rttMs, suspect, lateMs);
  }
}

export interface UnpackedEvents {
  /**
   * a run of RTT samples, published one after the other with nothing between them; `slots[i]` is the leg slot
   * of `events[i]` (events/leg-slots.ts)
   */
  rtt(events: RttEvent[], slots: Int32Array): void;
  other(event: HopEvent): void;
}

/** The main thread's side of one packer: its copy of the string table, and the batches unpacked with it. */
export class EventUnpacker {
  readonly #table: string[] = [];
  /**
   * table index of a session id → its leg's slot + 1 (0: not looked up yet). A session belongs to one leg, so
   * a sample's slot costs one array read; the leg's names are hashed once per session, not per sample.
   */
  #slotBySession = new Int32Array(1024);

  /** Calls `each` with every event of a batch, in the order the prober published them. */
  events(packed: PackedEvents, each: (event: HopEvent) => void): void {
    this.runs(packed, {
      rtt: (events) => {
        for (const event of events) each(event);
      },
      other: each,
    });
  }

  /** Hands a batch over as runs of RTT samples and single other events, in the order they were published. */
  runs(packed: PackedEvents, to: UnpackedEvents): void {
    const table = this.#learn(packed);
    const name = (index: number): string => table[index]!;
    const { rtt, others } = packed;
    const samples = rtt.length / FIELDS;
    let sample = 0;
    for (let next = 0; next <= others.length; next++) {
      const runEnd = next < others.length ? Math.min(others[next]!.after, samples) : samples;
      if (runEnd > sample) {
        const run: RttEvent[] = new Array(runEnd - sample);
        const slots = new Int32Array(runEnd - sample);
        for (let i = 0; sample < runEnd; i++, sample++) {
          const at = sample * FIELDS;
          run[i] = readRttNumbers(rtt, at, name);
          slots[i] = this.#slotOf(rtt[at + 3]!, run[i]!);
        }
        to.rtt(run, slots);
      }
      if (next < others.length) to.other(others[next]!.event);
    }
  }

  /** `session`: the table index of the sample's session id (events/rtt-numbers.ts), which `event` names */
  #slotOf(session: number, event: RttEvent): number {
    this.#slotBySession = grownToHold(this.#slotBySession, session);
    const known = this.#slotBySession[session]!;
    if (known > 0) return known - 1;
    const slot = legSlots.slotOf(event.target, event.leg);
    this.#slotBySession[session] = slot + 1;
    return slot;
  }

  #learn(packed: PackedEvents): readonly string[] {
    const table = this.#table;
    if (packed.resetStrings) {
      // the indices now name other strings: a session's slot is looked up again
      table.length = 0;
      this.#slotBySession.fill(0);
    }
    // Batches arrive in order over one port: a gap would mean a batch went missing, and every index after it
    // would name the wrong leg.
    if (packed.stringsFrom !== table.length) {
      throw new Error(
        `prober batch out of order: strings from ${packed.stringsFrom}, table has ${table.length}`,
      );
    }
    for (const text of packed.strings) table.push(text);
    return table;
  }
}
