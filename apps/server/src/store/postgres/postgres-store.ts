// The PostgreSQL implementation of Store, for one or several hopwatch instances (vantages) sharing one
// database. Writes stay synchronous for the bus: `append` answers from a block of seq reserved in advance
// (seq-blocks.ts), `project` queues rows in memory, and a flush writes everything queued as one multi-row
// INSERT per table in one transaction, at most one flush in flight, memory forgotten only after the commit.
// Reads await the flush covering what was queued when they were called, then query.
//
// Several instances commit out of seq order, so the event log is read below a watermark: the smallest seq any
// live instance may still commit (each writes its low water with every flush, and flushes at least every
// FLUSH_INTERVAL_MS). Below it nothing can appear any more, so a reader resuming after `since` never skips an
// event that commits later with a smaller seq. docs/storage.md has the reasoning.
import { randomUUID } from 'node:crypto';
import {
  type HopEvent,
  type Incident,
  type Outage,
  type RttPoint,
  type RttResponse,
  type Session,
  type StoredEvent,
  sessionFromOpen,
  type Verdict,
} from '@hopwatch/shared/protocol';
import {
  bucketStart,
  chooseStep,
  mergePoints,
  RTT_ROLLUP_MS,
  type RttObservation,
  summarize,
} from '@hopwatch/shared/series';
import pg from 'pg';
import type { StoredRtt } from '../../events/bus.js';
import { clampLimit, finiteOrNull, messageOf, StoreError } from '../db.js';
import { MAX_EVENTS_PAGE } from '../events.js';
import { draftIncident, MAX_INCIDENTS_PAGE, newIncidentId } from '../incidents.js';
import { MAX_OUTAGES_PAGE, type OutageRow, fromRow as outageFromRow } from '../outages.js';
import { DEFAULT_RAW_RETENTION_MS, PRUNE_STEP_ROWS, retentionCutoffs, rttEventCutoff } from '../retention.js';
import { RAW_SERIES_MAX_ROWS, ROLLUPS_PER_FLUSH } from '../rtt.js';
import { fromRow, MAX_SESSIONS_PAGE, SESSION_COLUMNS, type SessionRow, toRow } from '../sessions.js';
import { DEFAULT_ROLLUP_GRACE_MS, FLUSH_INTERVAL_MS, FLUSH_ROWS, MAX_PENDING_ROWS } from '../sqlite-store.js';
import type { OutageQuery, PruneResult, RttSample, SessionQuery, StallRecord, Store } from '../store.js';
import { readStoredEvent, readStoredVerdict } from '../stored-verdict.js';
import { MAX_VERDICTS_PAGE } from '../verdicts.js';
import { type InsertSpec, insertRows, isRowError } from './batch-insert.js';
import { PRUNE_LOCK, SEQ_LOCK } from './locks.js';
import { migratePostgres, SEQ_BLOCK } from './migrations.js';
import { type OpenMinute, RollupMinutes } from './rollup-minutes.js';
import { SeqBlocks } from './seq-blocks.js';

/** A writer not heard from for this long (it flushes every FLUSH_INTERVAL_MS) is dead: it no longer holds
 * the watermark back. Long enough for a GC pause or a slow commit, short enough that the others' live streams
 * stall only briefly when an instance is killed. */
export const WRITER_TIMEOUT_MS = 3_000;
/** minutes recovered after a crash are looked for this far back */
const RECOVERY_LOOKBACK_MS = 15 * 60_000;

export interface PostgresStoreOptions {
  retentionMs: number;
  rawRetentionMs?: number;
  rollupGraceMs?: number;
  /** this instance's vantage: it owns the sessions it opens (orphans are closed per vantage) */
  vantage?: string;
  now?: () => number;
  onError?: (error: unknown, context: string) => void;
  writerTimeoutMs?: number;
  /** connections in the pool (reads run beside the flush) */
  maxConnections?: number;
  /** how errors name the database: the URL with its password redacted (the caller redacts) */
  where?: string;
}

interface EventRow {
  seq: number;
  ts: number;
  kind: string | null;
  body: string;
}

interface SampleRow {
  target: string;
  leg: string;
  ts: number;
  eventSeq: number;
  sessionId: string;
  hbSeq: number;
  rttMs: number | null;
  suspect: boolean;
}

interface SessionWrite {
  open: boolean;
  session: Session;
}

interface Batch {
  events: EventRow[];
  sessions: SessionWrite[];
  samples: SampleRow[];
  verdicts: Verdict[];
  stalls: StallRecord[];
  outages: Outage[];
}

/** Opens the pool, migrates, registers this instance as a writer and reserves its first block of seq. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions): Promise<PostgresStore> {
  const where = options.where ?? 'the configured PostgreSQL database';
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 6,
    // Which instance a connection (and so a lock, such as the judge's lease) belongs to, in pg_stat_activity.
    application_name: `hopwatch:${options.vantage ?? 'default'}`,
    // BIGINT columns hold epoch ms and seq: well inside a double's exact integers.
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === pg.types.builtins.INT8
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server cut (restart, failover) must not crash the process; the next query reports.
  pool.on('error', (error) => (options.onError ?? defaultOnError)(error, 'idle PostgreSQL connection'));
  try {
    await migratePostgres(pool, where);
    const id = randomUUID();
    const vantage = options.vantage ?? 'default';
    const { rows } = await pool.query<{ low_water: number }>(
      'WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock($1)) ' +
        "INSERT INTO writers (id, vantage, low_water, seen_at) SELECT $2, $3, nextval('event_seq'), now() FROM l " +
        'RETURNING low_water',
      [SEQ_LOCK, id, vantage],
    );
    const first = rows[0]?.low_water;
    if (first === undefined) throw new Error('no block of seq reserved');
    const store = new PostgresStore(pool, { ...options, vantage }, id, first);
    await store.recover();
    return store;
  } catch (error) {
    await pool.end().catch(() => {});
    if (error instanceof StoreError) throw error;
    throw new StoreError(
      'STORE_ERR_OPEN',
      `cannot open the PostgreSQL store at ${where}: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
}

const EVENT_INSERT: InsertSpec<EventRow & { vantage: string }> = {
  context: 'event',
  sql:
    'INSERT INTO events (seq, ts, kind, vantage, body) ' +
    'SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::jsonb[]) ' +
    'ON CONFLICT (seq) DO NOTHING',
  columns: 5,
  toRow: (row) => [row.seq, row.ts, row.kind, row.vantage, row.body],
};

const SESSION_TYPES =
  '$1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::float8[], $7::float8[], $8::text[], ' +
  '$9::int[], $10::text[], $11::int[], $12::text[], $13::int[], $14::text[], $15::text[]';
const SESSION_UPDATE_ALL = SESSION_COLUMNS.split(', ')
  .filter((column) => column !== 'id')
  .map((column) => `${column} = excluded.${column}`)
  .join(', ');

function sessionInsert(open: boolean, vantage: string): InsertSpec<Session> {
  return {
    context: 'session',
    sql:
      `INSERT INTO sessions (${SESSION_COLUMNS}, vantage) SELECT * FROM unnest(${SESSION_TYPES}) ` +
      // A replayed session_open never reopens a closed session; a close writes the whole row.
      (open ? 'ON CONFLICT (id) DO NOTHING' : `ON CONFLICT (id) DO UPDATE SET ${SESSION_UPDATE_ALL}`),
    columns: 15,
    toRow: (session) => [...toRow(session), vantage],
  };
}

const SAMPLE_INSERT: InsertSpec<SampleRow & { legId: number }> = {
  context: 'rtt sample',
  sql:
    'INSERT INTO rtt_samples (leg_id, ts, event_seq, session_id, hb_seq, rtt_ms, suspect) ' +
    'SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::float8[], ' +
    '$7::boolean[]) ON CONFLICT DO NOTHING',
  columns: 7,
  toRow: (s) => [s.legId, s.ts, s.eventSeq, s.sessionId, s.hbSeq, s.rttMs, s.suspect],
};

const ROLLUP_INSERT: InsertSpec<RttPoint & { legId: number }> = {
  context: 'rtt rollup',
  sql:
    'INSERT INTO rtt_rollup (leg_id, minute, n, min, p50, p99, max, lost, suspect) ' +
    'SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::float8[], $5::float8[], $6::float8[], ' +
    '$7::float8[], $8::int[], $9::int[]) ON CONFLICT (leg_id, minute) DO UPDATE SET n = excluded.n, ' +
    'min = excluded.min, p50 = excluded.p50, p99 = excluded.p99, max = excluded.max, lost = excluded.lost, ' +
    'suspect = excluded.suspect',
  columns: 9,
  toRow: (p) => [p.legId, p.t, p.n, p.min, p.p50, p.p99, p.max, p.lost, p.suspect],
};

const VERDICT_INSERT: InsertSpec<Verdict> = {
  context: 'verdict',
  sql:
    'INSERT INTO verdicts (id, target, at, body) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], ' +
    '$4::jsonb[]) ON CONFLICT (id) DO UPDATE SET target = excluded.target, at = excluded.at, body = excluded.body',
  columns: 4,
  toRow: (v) => [String(v.id), String(v.target), finiteOrNull(v.at), JSON.stringify(v)],
};

function outageInsert(vantage: string): InsertSpec<Outage> {
  return {
    context: 'outage',
    sql:
      'INSERT INTO outages (target, leg, since, until, first_cause, last_cause, attempts, last_error, ' +
      'last_http_status, vantage) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], ' +
      '$5::text[], $6::text[], $7::int[], $8::text[], $9::int[], $10::text[]) ' +
      'ON CONFLICT (target, leg, since) DO UPDATE SET until = excluded.until, last_cause = excluded.last_cause, ' +
      'attempts = excluded.attempts, last_error = excluded.last_error, last_http_status = excluded.last_http_status',
    columns: 10,
    toRow: (o) => [
      String(o.target),
      String(o.leg),
      finiteOrNull(o.since),
      finiteOrNull(o.until),
      String(o.firstCause),
      String(o.lastCause),
      Math.max(0, Math.trunc(o.attempts)),
      o.lastError,
      finiteOrNull(o.lastHttpStatus),
      vantage,
    ],
  };
}

function stallInsert(vantage: string): InsertSpec<StallRecord> {
  return {
    context: 'prober stall',
    sql: 'INSERT INTO stalls (vantage, ts, delay_ms) SELECT * FROM unnest($1::text[], $2::bigint[], $3::float8[])',
    columns: 3,
    toRow: (s) => [vantage, finiteOrNull(s.ts), finiteOrNull(s.delayMs)],
  };
}

export class PostgresStore implements Store {
  readonly #pool: pg.Pool;
  readonly #writerId: string;
  readonly #vantage: string;
  readonly #now: () => number;
  readonly #onError: (error: unknown, context: string) => void;
  readonly #retention: { retentionMs: number; rawRetentionMs: number };
  readonly #graceMs: number;
  readonly #writerTimeoutMs: number;
  readonly #blocks: SeqBlocks;
  readonly #minutes = new RollupMinutes();
  /** `target\0leg` → legs.id, for legs whose row is committed */
  readonly #legIds = new Map<string, number>();
  readonly #sessionOpens: InsertSpec<Session>;
  readonly #sessionCloses: InsertSpec<Session>;
  readonly #stallInsert: InsertSpec<StallRecord>;
  readonly #outageInsert: InsertSpec<Outage>;
  #pending: Batch = emptyBatch();
  #flushing: Promise<void> | null = null;
  #nextFlush: Promise<void> | null = null;
  #reserving = false;
  /** the last flush failed: the next failures are not reported again until one succeeds */
  #failing = false;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    pool: pg.Pool,
    options: PostgresStoreOptions & { vantage: string },
    writerId: string,
    firstSeq: number,
  ) {
    this.#pool = pool;
    this.#writerId = writerId;
    this.#vantage = options.vantage;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? defaultOnError;
    this.#retention = {
      retentionMs: options.retentionMs,
      rawRetentionMs: Math.min(options.retentionMs, options.rawRetentionMs ?? DEFAULT_RAW_RETENTION_MS),
    };
    this.#graceMs = options.rollupGraceMs ?? DEFAULT_ROLLUP_GRACE_MS;
    this.#writerTimeoutMs = options.writerTimeoutMs ?? WRITER_TIMEOUT_MS;
    this.#blocks = new SeqBlocks(firstSeq, SEQ_BLOCK);
    this.#sessionOpens = sessionInsert(true, this.#vantage);
    this.#sessionCloses = sessionInsert(false, this.#vantage);
    this.#stallInsert = stallInsert(this.#vantage);
    this.#outageInsert = outageInsert(this.#vantage);
    this.#reserveSpare();
    this.#armTimer();
  }

  get vantage(): string {
    return this.#vantage;
  }

  /** The pool, for the parts of a shared deployment beside the Store contract (targets, the judge's lease). */
  get pool(): pg.Pool {
    return this.#pool;
  }

  /** Minutes a crashed run of this vantage left without a rollup: rolled up from their stored samples. */
  async recover(): Promise<void> {
    const { rows } = await this.#pool.query<{ target: string; leg: string; minute: number }>(
      'SELECT DISTINCT l.target, l.leg, (s.ts / 60000) * 60000 AS minute FROM rtt_samples s ' +
        'JOIN legs l ON l.id = s.leg_id ' +
        'WHERE s.ts >= $1 AND EXISTS (SELECT 1 FROM sessions x WHERE x.id = s.session_id AND x.vantage = $2) ' +
        'AND NOT EXISTS (SELECT 1 FROM rtt_rollup r WHERE r.leg_id = s.leg_id AND r.minute = (s.ts / 60000) * 60000)',
      [this.#now() - RECOVERY_LOOKBACK_MS, this.#vantage],
    );
    for (const row of rows) this.#minutes.addRecovered(row.target, row.leg, row.minute);
  }

  // --- sequencing and projection (called by the bus for every event) ---

  append(event: HopEvent): number {
    const seq = this.#blocks.take();
    if (seq === null) {
      // More events than a block between two round trips to the database: not stored, so not relayed either.
      this.#onError(new Error('no block of seq reserved yet'), `event (${event.kind}) not stored`);
      return this.#blocks.last;
    }
    if (!this.#blocks.hasSpare) this.#reserveSpare();
    if (this.#closed) {
      this.#onError(new Error('store is closed'), `event ${seq} (${event.kind}) not stored`);
      return seq;
    }
    let body: string;
    try {
      body = JSON.stringify(event);
    } catch (error) {
      this.#onError(error, `event ${seq} cannot be serialized`);
      return seq;
    }
    const kind = typeof event.kind === 'string' ? event.kind : null;
    this.#pending.events.push({ seq, ts: finiteOrNull(event.ts) ?? this.#now(), kind, body });
    this.#queued();
    return seq;
  }

  lastSeq(): number {
    return this.#blocks.last;
  }

  projectRtt(batch: readonly StoredRtt[]): void {
    if (this.#closed) return;
    for (const { seq, event } of batch) {
      try {
        this.#queueSample(seq, event);
      } catch (error) {
        this.#onError(error, `event ${seq} (rtt) not projected`);
      }
    }
    this.#queued();
  }

  project(stored: StoredEvent): void {
    if (this.#closed) return;
    const { event } = stored;
    try {
      switch (event.kind) {
        case 'session_open':
          this.#queueSession(true, sessionFromOpen(event));
          break;
        case 'session_close':
          this.#queueSession(false, event.session);
          break;
        case 'rtt':
          this.#queueSample(stored.seq, event);
          break;
        case 'verdict':
          this.#pending.verdicts.push(event.verdict);
          break;
        case 'prober_stall':
          this.#pending.stalls.push({ ts: event.ts, delayMs: event.delayMs });
          break;
        case 'outage':
          this.#pending.outages.push(event.outage);
          break;
        case 'leg_state':
          return;
      }
    } catch (error) {
      this.#onError(error, `event ${stored.seq} (${String(event.kind)}) not projected`);
      return;
    }
    this.#queued();
  }

  saveVerdict(verdict: Verdict): void {
    this.#pending.verdicts.push(verdict);
    this.#queued();
  }

  // --- queries: each waits for the flush covering what was queued before it ---

  async after(since: number, limit: number): Promise<StoredEvent[]> {
    await this.#settled();
    const from = Number.isFinite(since) ? Math.max(0, Math.floor(since)) : 0;
    const watermark = await this.watermark();
    const { rows } = await this.#pool.query<{ seq: number; body: HopEvent }>(
      'SELECT seq, body FROM events WHERE seq > $1 AND ($2::bigint IS NULL OR seq < $2) ORDER BY seq LIMIT $3',
      [from, watermark, clampLimit(limit, MAX_EVENTS_PAGE)],
    );
    const events: StoredEvent[] = [];
    for (const row of rows) {
      const event = readStoredEvent(row.body, row.seq, this.#onError);
      if (event) events.push({ seq: row.seq, event });
    }
    return events;
  }

  /**
   * The smallest seq a live writer may still commit (null: no live writer, everything stored is final).
   * Every event below it that will ever be stored already is.
   */
  async watermark(): Promise<number | null> {
    const { rows } = await this.#pool.query<{ low: number | null }>(
      'SELECT MIN(low_water) AS low FROM writers WHERE seen_at > now() - make_interval(secs => $1)',
      [this.#writerTimeoutMs / 1_000],
    );
    return rows[0]?.low ?? null;
  }

  /** The newest seq that is final (below the watermark): where a follower of the log starts. */
  async finalSeq(): Promise<number> {
    await this.#settled();
    const watermark = await this.watermark();
    const { rows } = await this.#pool.query<{ seq: number | null }>(
      'SELECT MAX(seq) AS seq FROM events WHERE ($1::bigint IS NULL OR seq < $1)',
      [watermark],
    );
    return rows[0]?.seq ?? 0;
  }

  async sessions(query: SessionQuery): Promise<Session[]> {
    await this.#settled();
    const { where, params } = filters([
      ['target = $', query.target],
      ['leg = $', query.leg],
      ['opened_at <= $', floorOrNull(query.to)],
      ['(closed_at IS NULL OR closed_at >= $)', ceilOrNull(query.from)],
    ]);
    params.push(clampLimit(query.limit, MAX_SESSIONS_PAGE));
    const { rows } = await this.#pool.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM sessions ${where} ORDER BY opened_at DESC, id LIMIT $${params.length}`,
      params,
    );
    return rows.map(fromRow);
  }

  async rttSamples(query: { target: string; leg?: string; from: number; to: number }): Promise<RttSample[]> {
    await this.#settled();
    const { rows } = await this.#pool.query<{
      target: string;
      leg: string;
      session_id: string;
      ts: number;
      hb_seq: number;
      rtt_ms: number | null;
      suspect: boolean;
    }>(
      'SELECT l.target, l.leg, s.session_id, s.ts, s.hb_seq, s.rtt_ms, s.suspect FROM rtt_samples s ' +
        'JOIN legs l ON l.id = s.leg_id WHERE l.target = $1 AND ($2::text IS NULL OR l.leg = $2) ' +
        'AND s.ts >= $3 AND s.ts < $4 ORDER BY l.id, s.ts, s.event_seq',
      [
        String(query.target),
        query.leg ?? null,
        Math.ceil(finiteOrNull(query.from) ?? 0),
        Math.ceil(finiteOrNull(query.to) ?? 0),
      ],
    );
    return rows.map((row) => ({
      target: row.target,
      leg: row.leg,
      sessionId: row.session_id,
      ts: row.ts,
      seq: row.hb_seq,
      rttMs: row.rtt_ms,
      suspect: row.suspect,
    }));
  }

  /**
   * As the SQLite store: raw buckets for short ranges, merged 1-minute rollups beyond, and the minutes after
   * a leg's newest rollup (still being collected, by whichever instance probes the leg) from raw rows.
   */
  async rttSeries(query: {
    target: string;
    leg: string;
    from: number;
    to: number;
    stepMs?: number;
  }): Promise<RttResponse> {
    const { stepMs } = query;
    if (!Number.isFinite(query.from) || !Number.isFinite(query.to)) {
      throw new RangeError(`rtt range must be finite epoch ms, got from=${query.from} to=${query.to}`);
    }
    // Whole milliseconds: the columns are BIGINT (ts >= 1.5 is ts >= 2).
    const from = Math.ceil(query.from);
    const to = Math.ceil(query.to);
    await this.#settled();
    const rawHorizon = this.#now() - this.#retention.rawRetentionMs;
    let step = chooseStep({
      from,
      to,
      requestedMs: stepMs,
      minMs: from < rawHorizon ? RTT_ROLLUP_MS : undefined,
    });
    const legId = await this.#findLegId(String(query.target), String(query.leg));
    if (legId === null || !(to > from)) return { step, points: [] };
    const firstMinute = bucketStart(from, RTT_ROLLUP_MS);
    const newest = await this.#pool.query<{ minute: number | null }>(
      'SELECT MAX(minute) AS minute FROM rtt_rollup WHERE leg_id = $1',
      [legId],
    );
    const rolledTo = newest.rows[0]?.minute == null ? null : (newest.rows[0]?.minute ?? 0) + RTT_ROLLUP_MS;
    if (
      step < RTT_ROLLUP_MS &&
      (await this.#heartbeatsIn(legId, firstMinute, to, rolledTo)) > RAW_SERIES_MAX_ROWS
    ) {
      step = chooseStep({ from, to, requestedMs: stepMs, minMs: RTT_ROLLUP_MS });
    }
    if (step < RTT_ROLLUP_MS) return { step, points: await this.#buckets(legId, from, to, step) };
    const writtenTo = rolledTo === null ? firstMinute : Math.min(to, Math.max(rolledTo, firstMinute));
    const { rows } = await this.#pool.query<RttPoint>(
      'SELECT minute AS t, n, min, p50, p99, max, lost, suspect FROM rtt_rollup ' +
        'WHERE leg_id = $1 AND minute >= $2 AND minute < $3 ORDER BY minute',
      [legId, firstMinute, writtenTo],
    );
    const minutes: RttPoint[] = rows;
    if (writtenTo < to) {
      minutes.push(...(await this.#buckets(legId, writtenTo, to, RTT_ROLLUP_MS)));
    }
    return { step, points: mergePoints(minutes, step) };
  }

  async stalls(query: { from: number; to: number }): Promise<StallRecord[]> {
    await this.#settled();
    const { rows } = await this.#pool.query<StallRecord>(
      'SELECT ts, delay_ms AS "delayMs", vantage FROM stalls WHERE ts >= $1 AND ts <= $2 ORDER BY ts',
      [ceilOrNull(query.from) ?? 0, floorOrNull(query.to) ?? 0],
    );
    return rows;
  }

  async verdicts(query: { target?: string; from?: number; to?: number; limit: number }): Promise<Verdict[]> {
    await this.#settled();
    const { where, params } = filters([
      ['target = $', query.target],
      ['at >= $', ceilOrNull(query.from)],
      ['at <= $', floorOrNull(query.to)],
    ]);
    params.push(clampLimit(query.limit, MAX_VERDICTS_PAGE));
    const { rows } = await this.#pool.query<{ body: Verdict }>(
      `SELECT body FROM verdicts ${where} ORDER BY at DESC, id LIMIT $${params.length}`,
      params,
    );
    const verdicts: Verdict[] = [];
    for (const row of rows) {
      const verdict = readStoredVerdict(row.body, row.body?.id ?? '?', this.#onError);
      if (verdict) verdicts.push(verdict);
    }
    return verdicts;
  }

  /**
   * As SQLite's; `open: true` (the outage tracker's restart recovery) asks for this vantage's open outages
   * only: another instance's are still going on, and its own tracker ends them.
   */
  async outages(query: OutageQuery): Promise<Outage[]> {
    await this.#settled();
    const { where, params } = filters([
      ['target = $', query.target],
      ['leg = $', query.leg],
      ['(until IS NULL OR until >= $)', ceilOrNull(query.from)],
      ['since <= $', floorOrNull(query.to)],
      ['until IS NULL AND vantage = $', query.open ? this.#vantage : null],
    ]);
    params.push(clampLimit(query.limit, MAX_OUTAGES_PAGE));
    const { rows } = await this.#pool.query<OutageRow>(
      'SELECT target, leg, since, until, first_cause, last_cause, attempts, last_error, last_http_status ' +
        `FROM outages ${where} ORDER BY since DESC, target, leg LIMIT $${params.length}`,
      params,
    );
    return rows.map(outageFromRow);
  }

  async createIncident(incident: Omit<Incident, 'id' | 'createdAt'>): Promise<Incident> {
    const draft = draftIncident(incident, this.#now());
    for (let attempt = 0; ; attempt += 1) {
      const saved: Incident = { ...draft, id: attempt === 0 ? draft.id : newIncidentId() };
      try {
        await this.#pool.query(
          'INSERT INTO incidents (id, target, from_ts, to_ts, title, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [saved.id, saved.target, saved.from, saved.to, saved.title, saved.note, saved.createdAt],
        );
        return saved;
      } catch (error) {
        if (attempt < 2 && (error as { code?: string }).code === '23505') continue;
        throw error;
      }
    }
  }

  async incident(id: string): Promise<Incident | null> {
    const { rows } = await this.#pool.query<Incident>(`${INCIDENT_SELECT} WHERE id = $1`, [String(id)]);
    return rows[0] ?? null;
  }

  async incidents(query: { target?: string; limit: number }): Promise<Incident[]> {
    const limit = clampLimit(query.limit, MAX_INCIDENTS_PAGE);
    const { rows } = await this.#pool.query<Incident>(
      `${INCIDENT_SELECT} WHERE ($1::text IS NULL OR target = $1) ORDER BY created_at DESC, ord DESC LIMIT $2`,
      [query.target === undefined ? null : String(query.target), limit],
    );
    return rows;
  }

  // --- lifecycle ---

  /** Only this vantage's sessions: another instance's open sessions are alive, not orphans. */
  async closeOrphanedSessions(now: number): Promise<Session[]> {
    await this.#settled();
    const { rows } = await this.#pool.query<SessionRow & { last_answered: number | null }>(
      `SELECT ${SESSION_COLUMNS.split(', ')
        .map((c) => `x.${c}`)
        .join(', ')}, (SELECT MAX(s.ts) FROM rtt_samples s JOIN legs l ON l.id = s.leg_id ` +
        'WHERE l.target = x.target AND l.leg = x.leg AND s.session_id = x.id AND s.rtt_ms IS NOT NULL ' +
        'AND s.ts >= x.opened_at) AS last_answered FROM sessions x WHERE x.closed_at IS NULL AND x.vantage = $1 ' +
        'ORDER BY x.opened_at, x.id',
      [this.#vantage],
    );
    const closed = rows.map((row) => {
      const session = fromRow(row);
      const closedAt = Math.max(session.openedAt, Math.min(row.last_answered ?? session.openedAt, now));
      return { ...session, closedAt, durationMs: closedAt - session.openedAt, cause: null } satisfies Session;
    });
    if (closed.length > 0) {
      await this.#transaction((client) =>
        insertRows(client, this.#sessionCloses, closed, { rowByRow: false, report: this.#onError }),
      );
    }
    return closed;
  }

  /** One instance prunes at a time (an advisory lock per step); each step deletes at most a bounded batch. */
  async prune(now: number, maxRows = Number.POSITIVE_INFINITY): Promise<PruneResult> {
    await this.#settled();
    const { full, raw } = retentionCutoffs(now, this.#retention);
    const steps: [sql: string, cutoff: number][] = [
      ['DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE ts < $1 LIMIT $2)', raw],
      [
        "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE kind = 'rtt' AND ts < $1 LIMIT $2)",
        rttEventCutoff(now, raw),
      ],
      ['DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE closed_at < $1 LIMIT $2)', full],
      ['DELETE FROM verdicts WHERE id IN (SELECT id FROM verdicts WHERE at < $1 LIMIT $2)', full],
      ['DELETE FROM stalls WHERE ctid IN (SELECT ctid FROM stalls WHERE ts < $1 LIMIT $2)', full],
      // Open outages are kept whatever their age: they are still going on.
      [
        'DELETE FROM outages WHERE ctid IN (SELECT ctid FROM outages WHERE until IS NOT NULL AND until < $1 LIMIT $2)',
        full,
      ],
      // A raw minute goes once the whole minute is older than the cutoff.
      [
        'DELETE FROM rtt_samples WHERE ctid IN (SELECT ctid FROM rtt_samples WHERE ts < $1 LIMIT $2)',
        bucketStart(raw, RTT_ROLLUP_MS),
      ],
      ['DELETE FROM rtt_rollup WHERE ctid IN (SELECT ctid FROM rtt_rollup WHERE minute < $1 LIMIT $2)', full],
    ];
    let deleted = 0;
    for (const [sql, cutoff] of steps) {
      for (;;) {
        const budget = Math.min(PRUNE_STEP_ROWS, maxRows - deleted);
        if (budget <= 0) return { deleted, done: false };
        const count = await this.#transaction(async (client) => {
          const lock = await client.query<{ got: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS got', [
            PRUNE_LOCK,
          ]);
          if (!lock.rows[0]?.got) return 0; // another instance is pruning
          return (await client.query(sql, [cutoff, budget])).rowCount ?? 0;
        });
        deleted += count;
        if (count < budget) break;
      }
    }
    // Writers gone for a day (killed, never closed) are forgotten; they stopped counting long ago.
    await this.#pool.query("DELETE FROM writers WHERE seen_at < now() - interval '1 day'");
    return { deleted, done: true };
  }

  flush(): void {
    if (this.#closed) return;
    void this.#flush(false);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#clearTimer();
    // Whatever is in flight first; the last flush writes everything, minutes in progress included.
    while (this.#flushing) await this.#flushing;
    await this.#flush(true);
    this.#closed = true;
    this.#clearTimer();
    try {
      // Gone: the watermark stops waiting for this writer at once rather than after WRITER_TIMEOUT_MS.
      await this.#pool.query('DELETE FROM writers WHERE id = $1', [this.#writerId]);
    } catch (error) {
      this.#onError(error, 'unregistering the writer');
    }
    await this.#pool.end();
  }

  // --- writing ---

  #queueSession(open: boolean, session: Session): void {
    if (finiteOrNull(session.openedAt) === null) {
      this.#onError(new RangeError(`session ${String(session.id)} has no valid openedAt`), 'session');
      return;
    }
    this.#pending.sessions.push({ open, session });
  }

  #queueSample(eventSeq: number, event: Extract<HopEvent, { kind: 'rtt' }>): void {
    const ts = finiteOrNull(event.ts);
    if (ts === null) {
      this.#onError(new RangeError(`rtt event ${eventSeq} has no valid ts`), 'rtt sample');
      return;
    }
    const sample: SampleRow = {
      target: String(event.target),
      leg: String(event.leg),
      ts,
      eventSeq,
      sessionId: String(event.sessionId),
      hbSeq: finiteOrNull(event.seq) ?? -1,
      rttMs: finiteOrNull(event.rttMs),
      suspect: event.suspect === true,
    };
    this.#pending.samples.push(sample);
    this.#minutes.add(sample.target, sample.leg, sample);
  }

  /** Resolves once every row queued before the call is committed (or its flush failed and was reported). */
  async #settled(): Promise<void> {
    if (pendingRows(this.#pending) > 0) await this.#flush(false);
    else if (this.#flushing) await this.#flushing;
  }

  /**
   * One flush at a time. Called while one is in flight, it returns the next flush, shared by every caller
   * meanwhile, which takes whatever was queued by the time it starts.
   */
  #flush(closing: boolean): Promise<void> {
    if (this.#flushing) {
      this.#nextFlush ??= this.#flushing.then(() => {
        this.#nextFlush = null;
        return this.#flush(closing);
      });
      return this.#nextFlush;
    }
    this.#clearTimer();
    const run = this.#runFlush(closing).finally(() => {
      this.#flushing = null;
      this.#armTimer();
    });
    this.#flushing = run;
    return run;
  }

  async #runFlush(closing: boolean): Promise<void> {
    const batch = this.#pending;
    this.#pending = emptyBatch();
    const dueBefore = closing ? Number.POSITIVE_INFINITY : this.#now() - RTT_ROLLUP_MS - this.#graceMs;
    const minutes = this.#minutes.due(dueBefore, closing ? Number.POSITIVE_INFINITY : ROLLUPS_PER_FLUSH);
    // Every seq handed out so far is in `batch` (or was written): from here on, this writer only commits
    // seq at or above its low water, which is written in the same transaction as the batch.
    const lowWater = this.#blocks.roll();
    if (!this.#blocks.hasSpare) this.#reserveSpare();
    const rows = pendingRows(batch);
    try {
      await this.#writeBatch(batch, minutes, lowWater, false).catch(async (error: unknown) => {
        if (!isRowError(error)) throw error;
        await this.#writeBatch(batch, minutes, lowWater, true);
      });
    } catch (error) {
      // Flushes run every 100 ms even when idle (the writer's heartbeat): while the database is away, say so
      // once, not ten times a second.
      if (!this.#failing) this.#onError(error, `flush of ${rows} rows failed; retrying`);
      this.#failing = true;
      if (rows + pendingRows(this.#pending) > MAX_PENDING_ROWS) {
        this.#onError(new Error(`gave up ${rows} rows: ${messageOf(error)}`), 'flush');
      } else {
        this.#pending = concatBatches(batch, this.#pending);
      }
      return;
    }
    if (this.#failing) this.#onError(new Error('the database answers again'), 'flush recovered');
    this.#failing = false;
    this.#minutes.rolled(minutes);
  }

  async #writeBatch(batch: Batch, minutes: readonly OpenMinute[], lowWater: number, rowByRow: boolean) {
    const legIds = await this.#transaction(async (client) => {
      const options = { rowByRow, report: this.#onError };
      const vantage = this.#vantage;
      await insertRows(
        client,
        EVENT_INSERT,
        batch.events.map((e) => ({ ...e, vantage })),
        options,
      );
      await insertRows(client, this.#sessionOpens, lastById(batch.sessions, true), options);
      await insertRows(client, this.#sessionCloses, lastById(batch.sessions, false), options);
      const ids = await this.#ensureLegs(client, [...batch.samples, ...minutes]);
      await insertRows(
        client,
        SAMPLE_INSERT,
        batch.samples.map((s) => ({ ...s, legId: ids.get(legKey(s.target, s.leg)) ?? 0 })),
        options,
      );
      const rollups: (RttPoint & { legId: number })[] = [];
      for (const open of minutes) {
        const legId = ids.get(legKey(open.target, open.leg)) ?? 0;
        const samples = open.partial ? await this.#minuteSamples(client, legId, open.minute) : open.samples;
        if (samples.length > 0) rollups.push({ ...summarize(open.minute, samples), legId });
      }
      await insertRows(client, ROLLUP_INSERT, rollups, options);
      await insertRows(client, VERDICT_INSERT, lastVerdicts(batch.verdicts), options);
      await insertRows(client, this.#stallInsert, batch.stalls, options);
      await insertRows(client, this.#outageInsert, lastOutages(batch.outages), options);
      await client.query(
        'INSERT INTO writers (id, vantage, low_water, seen_at) VALUES ($1, $2, $3, now()) ' +
          'ON CONFLICT (id) DO UPDATE SET low_water = excluded.low_water, seen_at = excluded.seen_at',
        [this.#writerId, vantage, lowWater],
      );
      return ids;
    });
    for (const [key, id] of legIds) this.#legIds.set(key, id);
  }

  /** legs.id of every leg named, inserting the new ones inside the flush's transaction. */
  async #ensureLegs(
    client: pg.PoolClient,
    named: readonly { target: string; leg: string }[],
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const missing = new Map<string, { target: string; leg: string }>();
    for (const { target, leg } of named) {
      const key = legKey(target, leg);
      const known = this.#legIds.get(key);
      if (known !== undefined) ids.set(key, known);
      else missing.set(key, { target, leg });
    }
    if (missing.size === 0) return ids;
    const targets = [...missing.values()].map((l) => l.target);
    const legs = [...missing.values()].map((l) => l.leg);
    await client.query(
      'INSERT INTO legs (target, leg) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING',
      [targets, legs],
    );
    const { rows } = await client.query<{ id: number; target: string; leg: string }>(
      'SELECT l.id, l.target, l.leg FROM legs l JOIN unnest($1::text[], $2::text[]) AS n (target, leg) ' +
        'ON l.target = n.target AND l.leg = n.leg',
      [targets, legs],
    );
    for (const row of rows) ids.set(legKey(row.target, row.leg), row.id);
    return ids;
  }

  async #minuteSamples(client: pg.PoolClient, legId: number, minute: number): Promise<RttObservation[]> {
    const { rows } = await client.query<{ ts: number; rtt_ms: number | null; suspect: boolean }>(
      'SELECT ts, rtt_ms, suspect FROM rtt_samples WHERE leg_id = $1 AND ts >= $2 AND ts < $3',
      [legId, minute, minute + RTT_ROLLUP_MS],
    );
    return rows.map((row) => ({ ts: row.ts, rttMs: row.rtt_ms, suspect: row.suspect }));
  }

  /**
   * Raw heartbeats bucketed by `step` in the database: the same exact statistics as `summarize` (nearest-rank
   * percentiles: percentile_disc takes the ceil(p × n)-th value, as series/buckets.ts does), without sending
   * every row to Node: a 5 h range is 18,000 rows, a few hundred buckets.
   */
  async #buckets(legId: number, from: number, to: number, step: number): Promise<RttPoint[]> {
    const { rows } = await this.#pool.query<RttPoint>(
      'SELECT (ts / $4) * $4 AS t, COUNT(rtt_ms)::int AS n, MIN(rtt_ms) AS min, ' +
        'percentile_disc(0.5) WITHIN GROUP (ORDER BY rtt_ms) AS p50, ' +
        'percentile_disc(0.99) WITHIN GROUP (ORDER BY rtt_ms) AS p99, MAX(rtt_ms) AS max, ' +
        '(COUNT(*) - COUNT(rtt_ms))::int AS lost, COUNT(*) FILTER (WHERE suspect)::int AS suspect ' +
        'FROM rtt_samples WHERE leg_id = $1 AND ts >= $2 AND ts < $3 GROUP BY 1 ORDER BY 1',
      // Integer bounds for BIGINT columns: ts >= 1.5 is ts >= 2 for whole milliseconds.
      [legId, Math.ceil(from), Math.ceil(to), step],
    );
    return rows;
  }

  async #heartbeatsIn(
    legId: number,
    firstMinute: number,
    to: number,
    rolledTo: number | null,
  ): Promise<number> {
    const { rows } = await this.#pool.query<{ count: number }>(
      'SELECT (SELECT COALESCE(SUM(n + lost), 0) FROM rtt_rollup WHERE leg_id = $1 AND minute >= $2 AND minute < $3)::bigint ' +
        '+ (SELECT COUNT(*) FROM rtt_samples WHERE leg_id = $1 AND ts >= $4 AND ts < $3) AS count',
      [legId, firstMinute, to, Math.max(firstMinute, rolledTo ?? firstMinute)],
    );
    return rows[0]?.count ?? 0;
  }

  async #findLegId(target: string, leg: string): Promise<number | null> {
    const known = this.#legIds.get(legKey(target, leg));
    if (known !== undefined) return known;
    const { rows } = await this.#pool.query<{ id: number }>(
      'SELECT id FROM legs WHERE target = $1 AND leg = $2',
      [target, leg],
    );
    return rows[0]?.id ?? null;
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** Reserves the next spare block in the background (the lock orders it after any writer registering). */
  #reserveSpare(): void {
    if (this.#reserving || this.#closed) return;
    this.#reserving = true;
    this.#pool
      .query<{ start: number }>(
        "WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock($1)) SELECT nextval('event_seq') AS start FROM l",
        [SEQ_LOCK],
      )
      .then(
        ({ rows }) => {
          const start = rows[0]?.start;
          if (start !== undefined && !this.#closed) this.#blocks.addSpare(start);
        },
        (error: unknown) => {
          // While the database is away the failing flushes have said so already.
          if (!this.#closed && !this.#failing) this.#onError(error, 'reserving a block of seq');
        },
      )
      .finally(() => {
        this.#reserving = false;
      });
  }

  #queued(): void {
    if (pendingRows(this.#pending) >= FLUSH_ROWS && !this.#flushing) this.flush();
  }

  /**
   * The flush timer always runs while the store is open, even with nothing queued: each flush is also this
   * writer's heartbeat and moves its low water on, which is what lets the other instances' events through.
   */
  #armTimer(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.flush();
    }, FLUSH_INTERVAL_MS);
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

const INCIDENT_SELECT =
  'SELECT id, target, from_ts AS "from", to_ts AS "to", title, note, created_at AS "createdAt" FROM incidents';

function emptyBatch(): Batch {
  return { events: [], sessions: [], samples: [], verdicts: [], stalls: [], outages: [] };
}

function pendingRows(batch: Batch): number {
  return (
    batch.events.length +
    batch.sessions.length +
    batch.samples.length +
    batch.verdicts.length +
    batch.stalls.length +
    batch.outages.length
  );
}

function concatBatches(a: Batch, b: Batch): Batch {
  return {
    events: [...a.events, ...b.events],
    sessions: [...a.sessions, ...b.sessions],
    samples: [...a.samples, ...b.samples],
    verdicts: [...a.verdicts, ...b.verdicts],
    stalls: [...a.stalls, ...b.stalls],
    outages: [...a.outages, ...b.outages],
  };
}

/** One row per session id (an upsert may not touch a row twice in one statement); the last write wins. */
function lastById(writes: readonly SessionWrite[], open: boolean): Session[] {
  const byId = new Map<string, Session>();
  for (const write of writes) if (write.open === open) byId.set(String(write.session.id), write.session);
  return [...byId.values()];
}

/** One row per outage (target, leg, since): the latest state wins, as the upsert needs. */
function lastOutages(outages: readonly Outage[]): Outage[] {
  const byKey = new Map<string, Outage>();
  for (const outage of outages) byKey.set(`${outage.target}\u0000${outage.leg}\u0000${outage.since}`, outage);
  return [...byKey.values()];
}

function lastVerdicts(verdicts: readonly Verdict[]): Verdict[] {
  const byId = new Map<string, Verdict>();
  for (const verdict of verdicts) byId.set(String(verdict.id), verdict);
  return [...byId.values()];
}

/** `WHERE` from the filters whose value is set; each fragment's `$` is numbered in order. */
function filters(list: readonly [string, string | number | null | undefined][]): {
  where: string;
  params: (string | number)[];
} {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  for (const [fragment, value] of list) {
    if (value === undefined || value === null) continue;
    params.push(typeof value === 'number' ? value : String(value));
    clauses.push(fragment.replace('$', `$${params.length}`));
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** Bounds for BIGINT columns of whole milliseconds, or null for a filter that is not set. */
function ceilOrNull(value: number | undefined): number | null {
  const finite = finiteOrNull(value);
  return finite === null ? null : Math.ceil(finite);
}

function floorOrNull(value: number | undefined): number | null {
  const finite = finiteOrNull(value);
  return finite === null ? null : Math.floor(finite);
}

function legKey(target: string, leg: string): string {
  return `${target}\u0000${leg}`;
}

function defaultOnError(error: unknown, context: string): void {
  process.emitWarning(`hopwatch store: ${context}: ${messageOf(error)}`, { code: 'HOPWATCH_STORE' });
}
