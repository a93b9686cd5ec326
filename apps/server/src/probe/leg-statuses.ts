// The main thread's mirror of every running leg's status (prober-thread.ts), in config order. Each RTT sample
// that arrives moves its leg's lastReplyAt: 10,000 lookups a second at 10,000 legs, so a leg is found by its
// target and name as the sample carries them (events/leg-map.ts).
import { LegMap } from '../events/leg-map.js';
import type { LegStatus } from './types.js';

export class LegStatuses {
  /** config order: what status() lists */
  readonly #ordered = new Map<string, LegStatus>();
  readonly #byLeg = new LegMap<LegStatus>();

  /** `key`: legKey(status.target, status.leg), as the worker names the leg */
  set(key: string, status: LegStatus): void {
    this.#ordered.set(key, status);
    this.#byLeg.set(status.target, status.leg, status);
  }

  delete(key: string): void {
    const status = this.#ordered.get(key);
    if (!status) return;
    this.#ordered.delete(key);
    this.#byLeg.delete(status.target, status.leg);
  }

  get(key: string): LegStatus | undefined {
    return this.#ordered.get(key);
  }

  find(target: string, leg: string): LegStatus | undefined {
    return this.#byLeg.get(target, leg);
  }

  values(): IterableIterator<LegStatus> {
    return this.#ordered.values();
  }

  clear(): void {
    this.#ordered.clear();
    this.#byLeg.clear();
  }
}
