// The SQLite implementation of Store: sequences events in memory, queues the rows every event projects
// to, and writes them in one transaction every FLUSH_INTERVAL_MS or FLUSH_ROWS rows, so 5,000 legs at one
// heartbeat a second cost a few short transactions a second instead of 10,000 separate writes.
import type {
  HopEvent,
  Incident,
  Outage,
  RttResponse,
  Session,
  StoredEvent,
  Verdict,
} from '@hopwatch/shared/protocol';
import type { StoredRtt } from '../events/bus.js';
import type { BatchedWriter } from './batch.js';
import { type Db, messageOf, openDatabase, readMeta, writeMeta } from './db.js';
import { EventLog } from './events.js';
import { IncidentTable } from './incidents.js';
import { LegRegistry } from './legs.js';
import { OutageTable } from './outages.js';
import {
  DEFAULT_RAW_RETENTION_MS,
  type PruneTask,
  retentionCutoffs,
  rttEventCutoff,
  runPruneTasks,
} from './retention.js';
import { RttTable } from './rtt.js';
import { SessionTable } from './sessions.js';
import { StallTable } from './stalls.js';
import type {
  DurableLog,
  OutageQuery,
  PruneResult,
  RttSample,
  SessionQuery,
  StallRecord,
  Store,
} from './store.js';
import { VerdictTable } from './verdicts.js';

export const FLUSH_INTERVAL_MS = 100;
export const FLUSH_ROWS = 2_000;
/** rows held while flushes keep failing before the oldest batch is given up, so memory stays bounded */
export const MAX_PENDING_ROWS = 200_000;
/** minutes are rolled up this long after they end, so late-reported lost heartbeats still land in them */
export const DEFAULT_ROLLUP_GRACE_MS = 60_000;

const LAST_SEQ = 'last_seq';

export interface SqliteStoreOptions {
  retentionMs: number;
  rawRetentionMs?: number;
  rollupGraceMs?: number;
  now?: () => number;
  /** where dropped rows and failed flushes are reported; the store itself never throws for them */
  onError?: (error: unknown, context: string) => void;
}

export function openSqliteStore(path: string, options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(openDatabase(path), options);
}

export class SqliteStore implements Store, DurableLog {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #onError: (error: unknown, context: string) => void;
  readonly #retention: { retentionMs: number; rawRetentionMs: number };
  readonly #legs: LegRegistry;
  readonly #events: EventLog;
  readonly #sessions: SessionTable;
  readonly #rtt: RttTable;
  readonly #verdicts: VerdictTable;
  readonly #stalls: StallTable;
  readonly #outages: OutageTable;
  readonly #incidents: IncidentTable;
  readonly #writers: readonly BatchedWriter[];
  readonly #flushTransaction: (closing: boolean) => void;
  #lastSeq: number;
  /** every event up to this seq is committed (or was given up after failing flushes, see #flush) */
  #committedSeq: number;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(db: Db, options: SqliteStoreOptions) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? defaultOnError;
    this.#retention = {
      retentionMs: options.retentionMs,
      rawRetentionMs: Math.min(options.retentionMs, options.rawRetentionMs ?? DEFAULT_RAW_RETENTION_MS),
    };
    const report = this.#onError;
    this.#legs = new LegRegistry(db, { report });
    this.#events = new EventLog(db, { report, now: this.#now });
    this.#sessions = new SessionTable(db, { report });
    this.#rtt = new RttTable(db, {
      report,
      now: this.#now,
      rawRetentionMs: this.#retention.rawRetentionMs,
      graceMs: options.rollupGraceMs ?? DEFAULT_ROLLUP_GRACE_MS,
    });
    this.#verdicts = new VerdictTable(db, { report });
    this.#stalls = new StallTable(db, { report });
    this.#outages = new OutageTable(db, { report });
    this.#incidents = new IncidentTable(db, { now: this.#now });
    // Legs first: RTT rows refer to their ids.
    this.#writers = [
      this.#legs,
      this.#events,
      this.#sessions,
      this.#rtt,
      this.#verdicts,
      this.#stalls,
      this.#outages,
    ];
    this.#flushTransaction = db.transaction((closing: boolean) => {
      for (const writer of this.#writers) writer.write(closing);
      writeMeta(db, LAST_SEQ, this.#lastSeq);
    });
    // The meta row keeps seq monotonic even after retention has deleted every event.
    this.#lastSeq = Math.max(readMeta(db, LAST_SEQ) ?? 0, this.#events.maxSeq());
    this.#committedSeq = this.#lastSeq;
    this.#rtt.recover(this.#legs, (ts) => this.#events.rttSince(ts));
  }

  // --- sequencing and projection (called by the bus for every event) ---

  /** `slot`: an rtt event's leg slot, if it carries one (events/leg-slots.ts) */
  append(event: HopEvent, slot?: number): number {
    this.#lastSeq += 1;
    if (this.#closed) {
      this.#onError(new Error('store is closed'), `event ${this.#lastSeq} (${event.kind}) not stored`);
      return this.#lastSeq;
    }
    this.#events.queue(this.#lastSeq, event, slot);
    // An rtt event's projection follows at once and checks the queue's length for both: counting every
    // table's rows twice per heartbeat was a measurable part of its cost.
    if (event.kind === 'rtt') this.#armTimer();
    else this.#queued();
    return this.#lastSeq;
  }

  lastSeq(): number {
    return this.#lastSeq;
  }

  /**
   * Writes what is queued now and returns the seq up to which events are on disk. The live hub relays
   * nothing above it: seq is handed out before the write, so an event relayed before its commit could vanish
   * in a crash and its seq go to another event after the restart (docs/storage.md, "seq is never reused").
   */
  commit(): number {
    this.flush();
    return this.#committedSeq;
  }

  project(stored: StoredEvent): void {
    if (this.#closed) return;
    const { event } = stored;
    try {
      switch (event.kind) {
        case 'session_open':
          this.#sessions.queueOpen(event);
          break;
        case 'session_close':
          this.#sessions.queueClose(event.session);
          break;
        case 'rtt':
          this.projectRtt([stored as StoredRtt]);
          return;
        case 'verdict':
          this.#verdicts.queue(event.verdict);
          break;
        case 'prober_stall':
          this.#stalls.queue(event);
          break;
        case 'outage':
          this.#outages.queue(event.outage);
          break;
        case 'leg_state':
          // Live state only; it stays in the event log and is not projected.
          return;
      }
    } catch (error) {
      // A malformed event must not take the bus subscriber (and with it every later event) down.
      this.#onError(error, `event ${stored.seq} (${String(event.kind)}) not projected`);
      return;
    }
    this.#queued();
  }

  /** Projects a run of rtt events into the RTT table; one check of the queue for the whole run. */
  projectRtt(batch: readonly StoredRtt[]): void {
    if (this.#closed) return;
    for (const { seq, event, slot } of batch) {
      try {
        this.#rtt.queue(this.#legs.ensure(event.target, event.leg, slot).id, event, seq);
      } catch (error) {
        // A malformed event must not take the rest of the run (or the bus subscriber) down.
        this.#onError(error, `event ${seq} (rtt) not projected`);
      }
    }
    this.#queued();
  }

  // --- queries: each flushes first, so readers see everything published so far. better-sqlite3 is
  // synchronous; they are async only to fit the Store interface, and read at the moment they are called ---

  async after(since: number, limit: number): Promise<StoredEvent[]> {
    this.flush();
    return this.#events.after(since, limit);
  }

  async sessions(query: SessionQuery): Promise<Session[]> {
    this.flush();
    return this.#sessions.query(query);
  }

  async rttSamples(query: { target: string; leg?: string; from: number; to: number }): Promise<RttSample[]> {
    this.flush();
    const legs =
      query.leg === undefined ? this.#legs.ofTarget(query.target) : this.#legsNamed(query.target, query.leg);
    return this.#rtt.samples(legs, query.from, query.to);
  }

  async rttSeries(query: {
    target: string;
    leg: string;
    from: number;
    to: number;
    stepMs?: number;
  }): Promise<RttResponse> {
    this.flush();
    return this.#rtt.series(this.#legs.find(query.target, query.leg), query.from, query.to, query.stepMs);
  }

  /** One instance's own stalls: no vantage, as its legs carry none (store.ts StallRecord). */
  async stalls(query: { from: number; to: number }): Promise<StallRecord[]> {
    this.flush();
    return this.#stalls.query(query.from, query.to);
  }

  saveVerdict(verdict: Verdict): void {
    this.#verdicts.queue(verdict);
    this.#queued();
  }

  async verdicts(query: { target?: string; from?: number; to?: number; limit: number }): Promise<Verdict[]> {
    this.flush();
    return this.#verdicts.query(query);
  }

  async outages(query: OutageQuery): Promise<Outage[]> {
    this.flush();
    return this.#outages.query(query);
  }

  async createIncident(incident: Omit<Incident, 'id' | 'createdAt'>): Promise<Incident> {
    return this.#incidents.create(incident);
  }

  async incident(id: string): Promise<Incident | null> {
    return this.#incidents.get(id);
  }

  async incidents(query: { target?: string; limit: number }): Promise<Incident[]> {
    return this.#incidents.list(query);
  }

  // --- lifecycle ---

  async closeOrphanedSessions(now: number): Promise<Session[]> {
    this.flush();
    const orphans = this.#sessions.open();
    const closed = orphans.map((session) => {
      const leg = this.#legs.find(session.target, session.leg);
      const lastHeartbeat = leg ? this.#rtt.lastAnsweredAt(leg.id, session.id, session.openedAt) : null;
      // Never later than now: a clock that jumped back must not close a session in the future.
      const closedAt = Math.max(session.openedAt, Math.min(lastHeartbeat ?? session.openedAt, now));
      return { ...session, closedAt, durationMs: closedAt - session.openedAt, cause: null } satisfies Session;
    });
    this.#db.transaction(() => {
      for (const session of closed) this.#sessions.saveClosed(session);
    })();
    return closed;
  }

  async prune(now: number, maxRows = Number.POSITIVE_INFINITY): Promise<PruneResult> {
    this.flush();
    const { full, raw } = retentionCutoffs(now, this.#retention);
    // Never past a minute still in memory: its rtt events are how it survives a crash until written.
    const rttEvents = Math.min(
      rttEventCutoff(now, raw),
      this.#rtt.oldestOpenMinute() ?? Number.POSITIVE_INFINITY,
    );
    const tasks: PruneTask[] = [
      (limit) => this.#events.pruneSome(raw, limit),
      (limit) => this.#events.pruneRttSome(rttEvents, limit),
      (limit) => this.#sessions.pruneSome(full, limit),
      (limit) => this.#verdicts.pruneSome(full, limit),
      (limit) => this.#stalls.pruneSome(full, limit),
      (limit) => this.#outages.pruneSome(full, limit),
    ];
    for (const leg of this.#legs.all()) {
      tasks.push((limit) => this.#rtt.pruneChunksSome(leg.id, raw, limit));
      tasks.push((limit) => this.#rtt.pruneRollupsSome(leg.id, full, limit));
    }
    return runPruneTasks(tasks, maxRows);
  }

  flush(): void {
    this.#flush(false);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush(true);
    this.#closed = true;
    this.#clearTimer();
    this.#db.close();
  }

  #flush(closing: boolean): void {
    this.#clearTimer();
    if (this.#closed) return;
    // With nothing queued there may still be finished minutes to roll up; closing rolls up all of them.
    const pending = this.#pendingRows();
    const appended = this.#lastSeq;
    if (pending === 0 && !closing && !this.#rtt.hasMinutesDue()) {
      this.#committedSeq = appended;
      return;
    }
    try {
      this.#flushTransaction(closing);
    } catch (error) {
      this.#onError(error, `flush of ${pending} rows failed; retrying`);
      if (pending > MAX_PENDING_ROWS) {
        this.#onError(new Error(`gave up ${pending} rows: ${messageOf(error)}`), 'flush');
        for (const writer of this.#writers) writer.discard();
        // Given up for good: waiting on them would stop the live stream for ever.
        this.#committedSeq = appended;
      } else {
        this.#armTimer();
      }
      return;
    }
    for (const writer of this.#writers) writer.committed();
    this.#committedSeq = appended;
    // Rollups are written a bounded number per flush; come back for the rest even if nothing new arrives.
    if (this.#rtt.hasMinutesDue()) this.#armTimer();
  }

  #pendingRows(): number {
    let rows = 0;
    for (const writer of this.#writers) rows += writer.pendingRows;
    return rows;
  }

  #queued(): void {
    if (this.#pendingRows() >= FLUSH_ROWS) this.flush();
    else this.#armTimer();
  }

  #armTimer(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.flush();
    }, FLUSH_INTERVAL_MS);
    // The store must never be what keeps the process alive; close() flushes whatever is left.
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #legsNamed(target: string, leg: string) {
    const ref = this.#legs.find(target, leg);
    return ref ? [ref] : [];
  }
}

function defaultOnError(error: unknown, context: string): void {
  process.emitWarning(`hopwatch store: ${context}: ${messageOf(error)}`, { code: 'HOPWATCH_STORE' });
}
