// A small dense number per (target, leg) for the whole process: its "leg slot". At 10,000 legs the main thread
// takes 10,000 RTT samples a second, and each consumer (the store's leg id and open minute, the per-leg
// histogram, the prober thread's status mirror) used to find its value for the sample by hashing the leg's
// names, about eleven Map lookups per sample over tables too large to stay in cache. The prober thread's
// samples now carry their leg's slot, resolved once per session (probe/event-batch.ts), and each consumer keeps
// its values in a SlotMap, an array indexed by slot, filling it on a miss by the lookup it always did.
//
// A slot names the same (target, leg) for as long as the process lives, whatever else resets (the string table
// of a new prober worker, a reload, a reopened store), so a value found by slot is never another leg's: a
// consumer only has to forget a value where it forgets the leg itself. Slots are never reused; they grow with
// the legs ever configured, as the store's leg ids do.
import { LegMap } from './leg-map.js';

/** an event that carries no slot (published one at a time, read back from the store): found by its names */
export const NO_SLOT = -1;

export class LegSlots {
  readonly #slots = new LegMap<number>();
  /** every target and leg name a slot has, numbered: equal texts, one number (see names()) */
  readonly #nameNumbers = new Map<string, number>();
  readonly #names = new SlotMap<readonly [target: number, leg: number]>();
  #count = 0;

  /** The leg's slot, given on first sight. */
  slotOf(target: string, leg: string): number {
    let slot = this.#slots.get(target, leg);
    if (slot === undefined) {
      slot = this.#count;
      this.#count += 1;
      this.#slots.set(target, leg, slot);
      this.#names.set(slot, [this.#nameNumber(target), this.#nameNumber(leg)]);
    }
    return slot;
  }

  /**
   * The numbers of the slot's target and leg names: a name shared by legs (their target; a leg name used in
   * two targets) has one number, so a table of names (store/rtt-event-block.ts) can hold each text once by
   * number instead of by hashing it.
   */
  names(slot: number): readonly [target: number, leg: number] | undefined {
    return this.#names.get(slot);
  }

  #nameNumber(name: string): number {
    let number = this.#nameNumbers.get(name);
    if (number === undefined) {
      number = this.#nameNumbers.size;
      this.#nameNumbers.set(name, number);
    }
    return number;
  }

  /** The leg's slot if it has one, without giving one. */
  find(target: string, leg: string): number | undefined {
    return this.#slots.get(target, leg);
  }
}

/**
 * A value per slot (or per other small dense number, such as the store's leg ids), in a plain array. Gaps are
 * filled as it grows, so V8 keeps it an array and not a dictionary, which would hash again.
 */
export class SlotMap<T> {
  readonly #values: Array<T | undefined> = [];

  get(slot: number): T | undefined {
    return this.#values[slot];
  }

  set(slot: number, value: T): void {
    const values = this.#values;
    while (values.length < slot) values.push(undefined);
    values[slot] = value;
  }

  delete(slot: number): void {
    if (slot < this.#values.length) this.#values[slot] = undefined;
  }

  clear(): void {
    this.#values.length = 0;
  }
}

/** `values`, or a copy of it twice as long (at least), if `index` is past its end: for arrays by slot or index */
export function grownToHold(values: Int32Array<ArrayBuffer>, index: number): Int32Array<ArrayBuffer> {
  if (index < values.length) return values;
  const grown = new Int32Array(Math.max(index + 1, values.length * 2));
  grown.set(values);
  return grown;
}

/** The process's one numbering: every consumer must agree on what a slot names. */
export const legSlots = new LegSlots();
