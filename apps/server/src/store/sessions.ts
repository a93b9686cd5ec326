// Sessions as GET /api/sessions serves them: inserted at session_open, completed at session_close.
import {
  type Cause,
  EMPTY_HANDSHAKE,
  type Handshake,
  handshakeSchema,
  type Session,
  type SessionOpenEvent,
  sessionFromOpen,
} from '@hopwatch/shared/protocol';
import { type BatchedWriter, type RowErrorReporter, writeEach } from './batch.js';
import { clampLimit, type Db, FilteredQuery, finiteOrNull } from './db.js';
import type { SessionQuery } from './store.js';

export const MAX_SESSIONS_PAGE = 10_000;

/** A session as its table holds it (the PostgreSQL store uses the same columns). */
export interface SessionRow {
  id: string;
  target: string;
  leg: string;
  opened_at: number;
  closed_at: number | null;
  duration_ms: number | null;
  silence_ms: number | null;
  cause: string | null;
  close_code: number | null;
  close_reason: string | null;
  http_status: number | null;
  error: string | null;
  suspect: number;
  handshake: string;
}

type SessionWrite = { open: boolean; session: Session };

export const SESSION_COLUMNS =
  'id, target, leg, opened_at, closed_at, duration_ms, silence_ms, cause, close_code, close_reason, ' +
  'http_status, error, suspect, handshake';
const COLUMNS = SESSION_COLUMNS;
const PLACEHOLDERS = COLUMNS.split(',')
  .map(() => '?')
  .join(', ');
const UPDATE_ALL = COLUMNS.split(', ')
  .filter((column) => column !== 'id')
  .map((column) => `${column} = excluded.${column}`)
  .join(', ');

export class SessionTable implements BatchedWriter {
  #pending: SessionWrite[] = [];
  readonly #report: RowErrorReporter;
  readonly #insertOpen;
  readonly #upsertClosed;
  readonly #openSessions;
  readonly #prune;
  readonly #query: FilteredQuery<SessionRow>;

  constructor(db: Db, options: { report: RowErrorReporter }) {
    this.#report = options.report;
    // A replayed or duplicated session_open must never reopen a session that is already closed.
    this.#insertOpen = db.prepare(
      `INSERT INTO sessions (${COLUMNS}) VALUES (${PLACEHOLDERS}) ON CONFLICT (id) DO NOTHING`,
    );
    this.#upsertClosed = db.prepare(
      `INSERT INTO sessions (${COLUMNS}) VALUES (${PLACEHOLDERS}) ON CONFLICT (id) DO UPDATE SET ${UPDATE_ALL}`,
    );
    this.#openSessions = db.prepare<[], SessionRow>(
      `SELECT ${COLUMNS} FROM sessions WHERE closed_at IS NULL ORDER BY opened_at`,
    );
    this.#query = new FilteredQuery(db, `SELECT ${COLUMNS} FROM sessions`, 'ORDER BY opened_at DESC LIMIT ?');
    this.#prune = db.prepare<[number, number]>(
      'DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE closed_at < ? LIMIT ?)',
    );
  }

  get pendingRows(): number {
    return this.#pending.length;
  }

  queueOpen(event: SessionOpenEvent): void {
    this.#pending.push({ open: true, session: sessionFromOpen(event) });
  }

  /** Writes the whole closed session, so a close whose open was lost still leaves a complete row. */
  queueClose(session: Session): void {
    this.#pending.push({ open: false, session });
  }

  write(): void {
    writeEach(
      this.#pending,
      ({ open, session }) => (open ? this.#insertOpen : this.#upsertClosed).run(...toRow(session)),
      this.#report,
      'session',
    );
  }

  committed(): void {
    this.#pending = [];
  }

  discard(): void {
    this.#pending = [];
  }

  /** Closes a session right away (not batched): used at start-up for sessions a previous run left open. */
  saveClosed(session: Session): void {
    this.#upsertClosed.run(...toRow(session));
  }

  open(): Session[] {
    return this.#openSessions.all().map(fromRow);
  }

  /** Newest first; a session overlaps [from, to] if it opened by `to` and was still open at `from`. */
  query(query: SessionQuery): Session[] {
    const rows = this.#query.all(
      [
        ['target = ?', query.target],
        ['leg = ?', query.leg],
        ['opened_at <= ?', finiteOrNull(query.to)],
        ['(closed_at IS NULL OR closed_at >= ?)', finiteOrNull(query.from)],
      ],
      [clampLimit(query.limit, MAX_SESSIONS_PAGE)],
    );
    return rows.map(fromRow);
  }

  pruneSome(before: number, limit: number): number {
    return this.#prune.run(before, limit).changes;
  }
}

/** Column values in SESSION_COLUMNS order. */
export function toRow(s: Session): unknown[] {
  return [
    String(s.id),
    String(s.target),
    String(s.leg),
    finiteOrNull(s.openedAt),
    finiteOrNull(s.closedAt),
    finiteOrNull(s.durationMs),
    finiteOrNull(s.silenceMs),
    s.cause === null ? null : String(s.cause),
    finiteOrNull(s.closeCode),
    s.closeReason === null ? null : String(s.closeReason),
    finiteOrNull(s.httpStatus),
    s.error === null ? null : String(s.error),
    s.suspect ? 1 : 0,
    JSON.stringify(s.handshake ?? EMPTY_HANDSHAKE),
  ];
}

export function fromRow(row: SessionRow): Session {
  return {
    id: row.id,
    target: row.target,
    leg: row.leg,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    durationMs: row.duration_ms,
    silenceMs: row.silence_ms,
    // Written from typed events; an unknown cause is still a drop, so it is passed on rather than nulled.
    cause: row.cause as Cause | null,
    closeCode: row.close_code,
    closeReason: row.close_reason,
    httpStatus: row.http_status,
    error: row.error,
    suspect: row.suspect !== 0,
    handshake: parseHandshake(row.handshake),
  };
}

function parseHandshake(text: string): Handshake {
  try {
    const parsed = handshakeSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : EMPTY_HANDSHAKE;
  } catch {
    return EMPTY_HANDSHAKE;
  }
}
