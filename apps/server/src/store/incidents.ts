// Incidents people saved (a target and a time range with a note). Written at once, not batched: they are
// rare and the caller shows the new id straight away. Not pruned: they are notes, not measurements.
import { randomBytes } from 'node:crypto';
import type { Incident } from '@hopwatch/shared/protocol';
import { clampLimit, type Db, finiteOrNull, isRowError } from './db.js';

export const MAX_INCIDENTS_PAGE = 1_000;

/** Crockford base32 (no i, l, o, u): ids that read aloud and survive being typed from a screen. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const ID_LENGTH = 10;

interface IncidentRow {
  id: string;
  target: string;
  from: number;
  to: number;
  title: string;
  note: string;
  createdAt: number;
}

export class IncidentTable {
  readonly #now: () => number;
  readonly #insert;
  readonly #byId;
  readonly #newest;
  readonly #newestOfTarget;

  constructor(db: Db, options: { now: () => number }) {
    this.#now = options.now;
    const columns = 'id, target, from_ts AS "from", to_ts AS "to", title, note, created_at AS createdAt';
    this.#insert = db.prepare<[string, string, number, number, string, string, number]>(
      'INSERT INTO incidents (id, target, from_ts, to_ts, title, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#byId = db.prepare<[string], IncidentRow>(`SELECT ${columns} FROM incidents WHERE id = ?`);
    this.#newest = db.prepare<[number], IncidentRow>(
      `SELECT ${columns} FROM incidents ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    );
    this.#newestOfTarget = db.prepare<[string, number], IncidentRow>(
      `SELECT ${columns} FROM incidents WHERE target = ? ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    );
  }

  create(incident: Omit<Incident, 'id' | 'createdAt'>): Incident {
    const draft = draftIncident(incident, this.#now());
    // 50 random bits: a clash is unlikely, but a second draw costs nothing.
    for (let attempt = 0; ; attempt += 1) {
      const saved: Incident = { ...draft, id: newIncidentId() };
      const { from, to, createdAt } = saved;
      try {
        this.#insert.run(saved.id, saved.target, from, to, saved.title, saved.note, createdAt);
        return saved;
      } catch (error) {
        if (attempt < 2 && isRowError(error) && isIdClash(error)) continue;
        throw error;
      }
    }
  }

  get(id: string): Incident | null {
    return this.#byId.get(String(id)) ?? null;
  }

  /** Newest first. */
  list(query: { target?: string; limit: number }): Incident[] {
    const limit = clampLimit(query.limit, MAX_INCIDENTS_PAGE);
    return query.target === undefined
      ? this.#newest.all(limit)
      : this.#newestOfTarget.all(String(query.target), limit);
  }
}

/** A valid incident with a fresh id, or a RangeError naming what is wrong (both stores write this). */
export function draftIncident(incident: Omit<Incident, 'id' | 'createdAt'>, createdAt: number): Incident {
  const from = finiteOrNull(incident.from);
  const to = finiteOrNull(incident.to);
  if (from === null || to === null || to < from) {
    throw new RangeError(
      `an incident needs finite epoch ms with from <= to, got ${incident.from}..${incident.to}`,
    );
  }
  return {
    id: newIncidentId(),
    target: String(incident.target),
    from,
    to,
    title: String(incident.title),
    note: String(incident.note ?? ''),
    createdAt,
  };
}

export function newIncidentId(): string {
  const bytes = randomBytes(ID_LENGTH);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte & 31];
  return id;
}

function isIdClash(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed: incidents\.id/.test(error.message);
}
