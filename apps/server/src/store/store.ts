// The one narrow storage interface, implemented by SQLite (store/sqlite-store.ts) and by PostgreSQL for
// several hopwatch instances sharing one store (store/postgres/), without touching callers. Both are held to
// one contract suite (store.contract.int.test.ts).
import type { ProberStall } from '@hopwatch/shared/attribution';
import type { Incident, Outage, RttResponse, Session, StoredEvent, Verdict } from '@hopwatch/shared/protocol';
import type { EventSequencer, StoredRtt } from '../events/bus.js';

/** Replays stored events after a sequence number (the live hub's resume); tests may pass an array. */
export interface EventReplay {
  /** up to `limit` stored events with seq > `since`, oldest first */
  after(since: number, limit: number): Promise<StoredEvent[]>;
}

/**
 * The event log's commit point. The live hub relays only events that are durable, so an event a dashboard was
 * sent survives a `kill -9`, and its seq is never handed to another event after a restart (docs/storage.md).
 */
export interface DurableLog {
  /** Commits what is queued, if it can, and returns the seq up to which every event is durable. */
  commit(): number;
}

/** What one bounded pruning step did (store/retention.ts). */
export interface PruneResult {
  deleted: number;
  /** false: the row budget ran out first; call again */
  done: boolean;
}

export interface SessionQuery {
  target?: string;
  leg?: string;
  /** sessions overlapping [from, to] (open ones count as lasting until now) */
  from?: number;
  to?: number;
  limit: number;
}

export interface OutageQuery {
  target?: string;
  leg?: string;
  /** outages overlapping [from, to] (open ones count as lasting until now) */
  from?: number;
  to?: number;
  /** only outages still open (until null): the tracker's restart recovery asks for these */
  open?: boolean;
  limit: number;
}

export interface RttSample {
  target: string;
  leg: string;
  sessionId: string;
  ts: number;
  seq: number;
  /** null = heartbeat lost */
  rttMs: number | null;
  suspect: boolean;
}

/**
 * A stored prober_stall, as attribution reads it. `vantage`: the instance whose event loop stalled, in a store
 * shared by several (PostgreSQL); absent in a store of one instance's own (SQLite), whose stalls are all its own
 * legs', which carry no vantage there either.
 */
export type StallRecord = ProberStall;

/**
 * Reads are asynchronous, so a backend whose client is (PostgreSQL's) implements this without touching
 * callers. Writes stay synchronous: the bus sequences and projects each event before the next one is
 * published, which is what makes every subscriber see events in `seq` order. A backend keeps that by
 * handing out seq and queueing rows in memory, writing them in batches; the PostgreSQL store hands out seq
 * from blocks its writer reserves from a database sequence, and reads the log below a commit watermark
 * (docs/storage.md).
 * seq is never reused: since seq is handed out before the commit, the SQLite store also gives the live hub its
 * commit point (DurableLog, below), and the hub relays nothing above it (docs/storage.md).
 */
export interface Store extends EventSequencer, EventReplay {
  /**
   * Projects one sequenced event into sessions, RTT, verdicts, stalls and outages. Called for every bus event.
   * An `outage` event carries the whole outage as it stands: keep the latest per (target, leg, since).
   */
  project(stored: StoredEvent): void;
  /**
   * Projects a run of rtt events, as `project` would one by one: the bus hands rtt events to the store in runs
   * (one heartbeat per leg per interval is nearly every event), so the store loops once per run.
   */
  projectRtt(batch: readonly StoredRtt[]): void;
  sessions(query: SessionQuery): Promise<Session[]>;
  /** Raw heartbeats in [from, to), each leg's in time order; meant for short ranges (the raw window is 48 h). */
  rttSamples(query: { target: string; leg?: string; from: number; to: number }): Promise<RttSample[]>;
  /** downsampled to at most RTT_MAX_POINTS points; raw samples for short ranges, 1-minute rollups for long */
  rttSeries(query: {
    target: string;
    leg: string;
    from: number;
    to: number;
    stepMs?: number;
  }): Promise<RttResponse>;
  /** every vantage's stalls in [from, to], oldest first, each with its vantage where the store keeps one */
  stalls(query: { from: number; to: number }): Promise<StallRecord[]>;
  /** Queues a verdict like its `verdict` event does (the same id twice keeps the later one). */
  saveVerdict(verdict: Verdict): void;
  verdicts(query: { target?: string; from?: number; to?: number; limit: number }): Promise<Verdict[]>;
  /**
   * Outages newest first by `since`, as their latest `outage` event left them (`until` null while open).
   * Retention deletes ended outages like sessions; open ones are kept.
   */
  outages(query: OutageQuery): Promise<Outage[]>;
  /** Written at once, not batched: the caller answers with the id. */
  createIncident(incident: Omit<Incident, 'id' | 'createdAt'>): Promise<Incident>;
  incident(id: string): Promise<Incident | null>;
  incidents(query: { target?: string; limit: number }): Promise<Incident[]>;
  /**
   * Closes sessions left open by a previous run at their last answered heartbeat (or their open time);
   * they are not drops (cause null). Call before the prober starts. Returns the closed sessions so the
   * runtime can publish their session_close events.
   */
  closeOrphanedSessions(now: number): Promise<Session[]>;
  /**
   * Deletes data older than the retention, at most `maxRows` rows per call (default: all of it), so a
   * caller can spread a large prune over several event-loop turns (see store/retention.ts).
   */
  prune(now: number, maxRows?: number): Promise<PruneResult>;
  /** Writes every batched row now. Queries flush first, so readers always see what was published. */
  flush(): void;
  /** Writes what is still queued and releases the database; nothing may be appended afterwards. */
  close(): Promise<void>;
}
