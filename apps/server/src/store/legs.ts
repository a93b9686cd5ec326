// Small integer ids for (target, leg), so the millions of RTT rows do not repeat two strings each.
import type { Db } from './db.js';

export interface LegRef {
  id: number;
  target: string;
  leg: string;
}

export class LegRegistry {
  readonly #byKey = new Map<string, LegRef>();
  readonly #insert;

  constructor(db: Db) {
    // The no-op update makes RETURNING give the id whether the row was new or already there.
    this.#insert = db.prepare<[string, string], { id: number }>(
      'INSERT INTO legs (target, leg) VALUES (?, ?) ON CONFLICT (target, leg) DO UPDATE SET leg = excluded.leg RETURNING id',
    );
    const rows = db.prepare('SELECT id, target, leg FROM legs').all() as LegRef[];
    for (const row of rows) this.#byKey.set(keyOf(row.target, row.leg), row);
  }

  find(target: string, leg: string): LegRef | undefined {
    return this.#byKey.get(keyOf(target, leg));
  }

  /** The leg's id, registering it on first sight (a single small write, once per leg for ever). */
  ensure(target: string, leg: string): LegRef {
    const known = this.find(target, leg);
    if (known) return known;
    const row = this.#insert.get(String(target), String(leg));
    if (!row) throw new Error(`could not register leg ${target}/${leg}`);
    const ref: LegRef = { id: row.id, target: String(target), leg: String(leg) };
    this.#byKey.set(keyOf(target, leg), ref);
    return ref;
  }

  ofTarget(target: string): LegRef[] {
    return this.all().filter((ref) => ref.target === target);
  }

  all(): LegRef[] {
    return [...this.#byKey.values()];
  }
}

function keyOf(target: string, leg: string): string {
  return `${target}\u0000${leg}`;
}
