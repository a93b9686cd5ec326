// Small integer ids for (target, leg), so the millions of RTT rows do not repeat two strings each. A new
// leg gets its id in memory at once and its row in the next flush, written before any row that uses it.

import { LegMap } from '../events/leg-map.js';
import { NO_SLOT, SlotMap } from '../events/leg-slots.js';
import { type BatchedWriter, type RowErrorReporter, writeEach } from './batch.js';
import type { Db } from './db.js';

export interface LegRef {
  id: number;
  target: string;
  leg: string;
}

export class LegRegistry implements BatchedWriter {
  /** by the event's own strings (events/leg-map.ts) */
  readonly #byLeg = new LegMap<LegRef>();
  /**
   * by the leg slot an rtt event carries (events/leg-slots.ts), filled on first sight: a ref is never forgotten,
   * and a slot always names the same leg, so an entry never goes stale
   */
  readonly #bySlot = new SlotMap<LegRef>();
  #pending: LegRef[] = [];
  #nextId: number;
  readonly #report: RowErrorReporter;
  readonly #insert;

  constructor(db: Db, options: { report: RowErrorReporter }) {
    this.#report = options.report;
    this.#insert = db.prepare<[number, string, string]>(
      'INSERT INTO legs (id, target, leg) VALUES (?, ?, ?)',
    );
    const rows = db.prepare('SELECT id, target, leg FROM legs').all() as LegRef[];
    for (const row of rows) this.#add(row);
    this.#nextId = rows.reduce((max, row) => Math.max(max, row.id), 0) + 1;
  }

  get pendingRows(): number {
    return this.#pending.length;
  }

  find(target: string, leg: string): LegRef | undefined {
    // String(): a malformed event's number must find the ref its text was registered under.
    return this.#byLeg.get(String(target), String(leg));
  }

  /** The leg's id, registering it on first sight; `slot`: the event's leg slot, if it carries one. */
  ensure(target: string, leg: string, slot = NO_SLOT): LegRef {
    if (slot === NO_SLOT) return this.#ensure(target, leg);
    let ref = this.#bySlot.get(slot);
    if (ref === undefined) {
      ref = this.#ensure(target, leg);
      this.#bySlot.set(slot, ref);
    }
    return ref;
  }

  #ensure(target: string, leg: string): LegRef {
    const known = this.find(target, leg);
    if (known) return known;
    const ref: LegRef = { id: this.#nextId, target: String(target), leg: String(leg) };
    this.#nextId += 1;
    this.#add(ref);
    this.#pending.push(ref);
    return ref;
  }

  #add(ref: LegRef): void {
    this.#byLeg.set(ref.target, ref.leg, ref);
  }

  ofTarget(target: string): LegRef[] {
    return this.all().filter((ref) => ref.target === target);
  }

  all(): LegRef[] {
    return [...this.#byLeg.values()];
  }

  write(): void {
    writeEach(this.#pending, (ref) => this.#insert.run(ref.id, ref.target, ref.leg), this.#report, 'leg');
  }

  committed(): void {
    this.#pending = [];
  }

  /** Never forgotten: RTT rows already queued carry these ids, and a later flush must still write them. */
  discard(): void {}
}
