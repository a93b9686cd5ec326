// The main thread's mirror of every running leg's status (prober-thread.ts), in config order. Each RTT sample
// that arrives moves its leg's lastReplyAt: 10,000 a second at 10,000 legs. A leg is found by the slot the
// sample carries (events/leg-slots.ts), and the reply is kept in arrays by slot rather than on the status
// object: writing a time into 10,000 cold objects (a fresh number box each time) and comparing their session
// ids by content was a seventh of the main thread's cost per sample. Statuses are read with the latest reply
// filled in, which is rare (the API's listings).
import { legSlots } from '../events/leg-slots.js';
import type { LegStatus } from './types.js';

interface Entry {
  status: LegStatus;
  slot: number;
}

export class LegStatuses {
  /** config order: what values() lists */
  readonly #ordered = new Map<string, Entry>();
  /** by slot: the status's session, whose replies count (the sample's own string once one matched: by identity) */
  #sessions: Array<string | null | undefined> = [];
  /** by slot: the latest reply seen here (NaN: none since the status was set) */
  #replyAt = new Float64Array(256);

  /** `key`: legKey(status.target, status.leg), as the worker names the leg */
  set(key: string, status: LegStatus): void {
    const slot = legSlots.slotOf(status.target, status.leg);
    this.#ordered.set(key, { status, slot });
    this.#grow(slot);
    this.#sessions[slot] = status.sessionId;
    this.#replyAt[slot] = Number.NaN;
  }

  delete(key: string): void {
    const entry = this.#ordered.get(key);
    if (!entry) return;
    this.#ordered.delete(key);
    this.#sessions[entry.slot] = undefined;
  }

  /** The leg's status, its latest reply included. */
  get(key: string): LegStatus | undefined {
    const entry = this.#ordered.get(key);
    return entry ? this.#withReply(entry) : undefined;
  }

  /**
   * A heartbeat of session `sessionId` on the leg in `slot` was answered at `at`: the leg's lastReplyAt moves
   * if that is its current session (a late sample of the session before does not count).
   */
  reply(slot: number, sessionId: string, at: number): void {
    const current = this.#sessions[slot];
    if (current === undefined || current === null || current !== sessionId) return;
    this.#sessions[slot] = sessionId;
    this.#replyAt[slot] = at;
  }

  /** Every status in config order, latest replies included. */
  *values(): IterableIterator<LegStatus> {
    for (const entry of this.#ordered.values()) yield this.#withReply(entry);
  }

  clear(): void {
    this.#ordered.clear();
    this.#sessions = [];
    this.#replyAt.fill(Number.NaN);
  }

  #withReply({ status, slot }: Entry): LegStatus {
    const at = this.#replyAt[slot]!;
    return Number.isNaN(at) ? status : { ...status, lastReplyAt: at };
  }

  #grow(slot: number): void {
    while (this.#sessions.length <= slot) this.#sessions.push(undefined);
    if (slot < this.#replyAt.length) return;
    const grown = new Float64Array(Math.max(slot + 1, this.#replyAt.length * 2)).fill(Number.NaN);
    grown.set(this.#replyAt);
    this.#replyAt = grown;
  }
}
