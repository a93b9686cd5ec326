// The main thread's mirror of every running leg's status (prober-thread.ts), in config order. Each RTT sample
// that arrives moves its leg's lastReplyAt: 10,000 lookups a second at 10,000 legs, so a leg is found by the
// slot the sample carries (events/leg-slots.ts), an array read, not by hashing its names.
import { legSlots, SlotMap } from '../events/leg-slots.js';
import type { LegStatus } from './types.js';

export class LegStatuses {
  /** config order: what status() lists */
  readonly #ordered = new Map<string, LegStatus>();
  /** kept with #ordered, entry for entry: a status found by slot is the leg's current one, or none */
  readonly #bySlot = new SlotMap<LegStatus>();

  /** `key`: legKey(status.target, status.leg), as the worker names the leg */
  set(key: string, status: LegStatus): void {
    this.#ordered.set(key, status);
    this.#bySlot.set(legSlots.slotOf(status.target, status.leg), status);
  }

  delete(key: string): void {
    const status = this.#ordered.get(key);
    if (!status) return;
    this.#ordered.delete(key);
    this.#forgetSlot(status);
  }

  get(key: string): LegStatus | undefined {
    return this.#ordered.get(key);
  }

  /** The status of the leg in `slot` (events/leg-slots.ts). */
  atSlot(slot: number): LegStatus | undefined {
    return this.#bySlot.get(slot);
  }

  values(): IterableIterator<LegStatus> {
    return this.#ordered.values();
  }

  clear(): void {
    this.#ordered.clear();
    this.#bySlot.clear();
  }

  #forgetSlot(status: LegStatus): void {
    const slot = legSlots.find(status.target, status.leg);
    if (slot !== undefined) this.#bySlot.delete(slot);
  }
}
