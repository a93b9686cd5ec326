// The main thread's mirror of every running leg's status (prober-thread.ts), in config order. Each RTT sample
// that arrives moves its leg's lastReplyAt: 10,000 lookups a second at 10,000 legs, so a leg is found by its
// target and name as the sample carries them, not by a key joined from them (a new string to hash each time).
import type { LegStatus } from './types.js';

export class LegStatuses {
  /** config order: what status() lists */
  readonly #ordered = new Map<string, LegStatus>();
  /** target → leg → status */
  readonly #byTarget = new Map<string, Map<string, LegStatus>>();

  /** `key`: legKey(status.target, status.leg), as the worker names the leg */
  set(key: string, status: LegStatus): void {
    this.#ordered.set(key, status);
    let legs = this.#byTarget.get(status.target);
    if (!legs) {
      legs = new Map();
      this.#byTarget.set(status.target, legs);
    }
    legs.set(status.leg, status);
  }

  delete(key: string): void {
    const status = this.#ordered.get(key);
    if (!status) return;
    this.#ordered.delete(key);
    const legs = this.#byTarget.get(status.target);
    legs?.delete(status.leg);
    if (legs?.size === 0) this.#byTarget.delete(status.target);
  }

  get(key: string): LegStatus | undefined {
    return this.#ordered.get(key);
  }

  find(target: string, leg: string): LegStatus | undefined {
    return this.#byTarget.get(target)?.get(leg);
  }

  values(): IterableIterator<LegStatus> {
    return this.#ordered.values();
  }

  clear(): void {
    this.#ordered.clear();
    this.#byTarget.clear();
  }
}
