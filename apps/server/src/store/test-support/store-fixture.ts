// A real SQLite store in a fresh temp directory, wired to a real EventBus the way runtime.ts wires it,
// plus small builders for the events the prober publishes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EMPTY_HANDSHAKE,
  type HopEvent,
  type RttEvent,
  type Session,
  type SessionOpenEvent,
} from '@hopwatch/shared/protocol';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import { EventBus } from '../../events/bus.js';
import { RTT_EVENT_BYTES } from '../rtt-event-block.js';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../sqlite-store.js';

export const DAY_MS = 86_400_000;

export interface StoreFixture {
  dir: string;
  path: string;
  store: SqliteStore;
  bus: EventBus;
  errors: { error: unknown; context: string }[];
  publish(...events: HopEvent[]): void;
  /** closes the store and opens the same file again, like a restart */
  reopen(options?: Partial<SqliteStoreOptions>): Promise<void>;
  /** closes the store (if open) and deletes the directory */
  remove(): Promise<void>;
}

export function createStoreFixture(options: Partial<SqliteStoreOptions> = {}): StoreFixture {
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-store-'));
  const path = join(dir, 'data', 'hopwatch.db');
  const errors: { error: unknown; context: string }[] = [];
  const open = (more: Partial<SqliteStoreOptions>) => {
    const store = openSqliteStore(path, {
      retentionMs: 30 * DAY_MS,
      onError: (error, context) => errors.push({ error, context }),
      ...options,
      ...more,
    });
    const bus = new EventBus(store);
    // As the runtime subscribes it: rtt events in runs.
    bus.subscribe((stored) => store.project(stored), { rtt: (batch) => store.projectRtt(batch) });
    return { store, bus };
  };
  const fixture: StoreFixture = {
    dir,
    path,
    errors,
    ...open({}),
    publish(...events) {
      for (const event of events) fixture.bus.publish(event);
    },
    async reopen(more = {}) {
      await fixture.store.close();
      Object.assign(fixture, open(more));
    },
    async remove() {
      await fixture.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** For a test file: returns an opener whose fixtures (however many a test opens) are removed after each test. */
export function useStoreFixtures(): (options?: Partial<SqliteStoreOptions>) => StoreFixture {
  const opened: StoreFixture[] = [];
  afterEach(async () => {
    for (const fixture of opened.splice(0)) await fixture.remove();
  });
  return (options = {}) => {
    const fixture = createStoreFixture(options);
    opened.push(fixture);
    return fixture;
  };
}

/** Rows of a table as a second connection sees them: what is really on disk, not what is queued. */
export function countOnDisk(
  path: string,
  table: 'events' | 'sessions' | 'rtt_chunks' | 'rtt_rollup',
): number {
  const reader = new Database(path, { readonly: true });
  try {
    // Events: the single rows and every rtt event of the batch rows (JSON before migration 006, numbers since).
    const sql =
      table === 'events'
        ? 'SELECT (SELECT COUNT(*) FROM events) + (SELECT COALESCE(SUM(CASE WHEN strings IS NULL ' +
          `THEN json_array_length(body) ELSE length(body) / ${RTT_EVENT_BYTES} END), 0) ` +
          'FROM rtt_event_batches) AS n'
        : `SELECT COUNT(*) AS n FROM ${table}`;
    return (reader.prepare(sql).get() as { n: number }).n;
  } finally {
    reader.close();
  }
}

export function sessionOpen(target: string, leg: string, sessionId: string, ts: number): SessionOpenEvent {
  return { kind: 'session_open', ts, target, leg, sessionId, handshake: { ...EMPTY_HANDSHAKE, tcpMs: 1.5 } };
}

export function rtt(
  target: string,
  leg: string,
  sessionId: string,
  ts: number,
  rttMs: number | null,
  options: { seq?: number; suspect?: boolean } = {},
): RttEvent {
  return {
    kind: 'rtt',
    ts,
    target,
    leg,
    sessionId,
    seq: options.seq ?? 0,
    rttMs,
    suspect: options.suspect ?? false,
  };
}

export function closedSession(
  target: string,
  leg: string,
  id: string,
  openedAt: number,
  closedAt: number,
  overrides: Partial<Session> = {},
): Session {
  return {
    id,
    target,
    leg,
    openedAt,
    closedAt,
    durationMs: closedAt - openedAt,
    silenceMs: 1_200,
    cause: 'heartbeat_timeout',
    closeCode: null,
    closeReason: null,
    httpStatus: null,
    error: null,
    suspect: false,
    handshake: { ...EMPTY_HANDSHAKE, tcpMs: 1.5 },
    ...overrides,
  };
}
