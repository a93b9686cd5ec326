// The PostgreSQL schema, as numbered steps recorded in `hopwatch_migrations`, applied under an advisory lock
// so instances starting together do not race; a database migrated by a newer hopwatch is refused, not touched.
// Same tables as SQLite (store/migrations/), in PostgreSQL's dialect: epoch ms as BIGINT, JSON as JSONB,
// raw heartbeats as rows (a flush is one multi-row INSERT; PostgreSQL does not have SQLite's page-write cost),
// plus what several instances need: a vantage on what each instance owns, the writers behind the seq
// watermark, and the targets' segments every instance must agree on.
import type pg from 'pg';
import { messageOf, StoreError } from '../db.js';
import { MIGRATION_LOCK } from './locks.js';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** Numbers handed out per `nextval`: a block of seq one instance uses without asking the database. */
export const SEQ_BLOCK = 10_000;

const initial: PgMigration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE SEQUENCE event_seq INCREMENT BY ${SEQ_BLOCK} START WITH 1;

-- One row per running instance: the smallest seq it may still commit, and when it last said so.
CREATE TABLE writers (
  id        TEXT PRIMARY KEY,
  vantage   TEXT NOT NULL,
  low_water BIGINT NOT NULL,
  seen_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE events (
  seq     BIGINT PRIMARY KEY,
  ts      BIGINT NOT NULL,
  kind    TEXT,
  vantage TEXT NOT NULL,
  body    JSONB NOT NULL
);
CREATE INDEX events_by_ts ON events (ts);
CREATE INDEX events_rtt_by_ts ON events (ts) WHERE kind = 'rtt';

CREATE TABLE legs (
  id      BIGSERIAL PRIMARY KEY,
  target  TEXT NOT NULL,
  leg     TEXT NOT NULL,
  UNIQUE (target, leg)
);

CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,
  vantage      TEXT NOT NULL,
  target       TEXT NOT NULL,
  leg          TEXT NOT NULL,
  opened_at    BIGINT NOT NULL,
  closed_at    BIGINT,
  duration_ms  DOUBLE PRECISION,
  silence_ms   DOUBLE PRECISION,
  cause        TEXT,
  close_code   INTEGER,
  close_reason TEXT,
  http_status  INTEGER,
  error        TEXT,
  suspect      INTEGER NOT NULL DEFAULT 0,
  handshake    TEXT NOT NULL
);
CREATE INDEX sessions_by_leg ON sessions (target, leg, opened_at);
CREATE INDEX sessions_by_opened ON sessions (opened_at);
CREATE INDEX sessions_by_closed ON sessions (closed_at);
CREATE INDEX sessions_open ON sessions (vantage) WHERE closed_at IS NULL;

-- Raw heartbeats, kept for the raw window.
CREATE TABLE rtt_samples (
  leg_id     BIGINT NOT NULL,
  ts         BIGINT NOT NULL,
  event_seq  BIGINT NOT NULL,
  session_id TEXT NOT NULL,
  hb_seq     BIGINT NOT NULL,
  rtt_ms     DOUBLE PRECISION,
  suspect    BOOLEAN NOT NULL,
  PRIMARY KEY (leg_id, ts, event_seq)
);
CREATE INDEX rtt_samples_by_ts ON rtt_samples (ts);

CREATE TABLE rtt_rollup (
  leg_id  BIGINT NOT NULL,
  minute  BIGINT NOT NULL,
  n       INTEGER NOT NULL,
  min     DOUBLE PRECISION,
  p50     DOUBLE PRECISION,
  p99     DOUBLE PRECISION,
  max     DOUBLE PRECISION,
  lost    INTEGER NOT NULL,
  suspect INTEGER NOT NULL,
  PRIMARY KEY (leg_id, minute)
);
CREATE INDEX rtt_rollup_by_minute ON rtt_rollup (minute);

CREATE TABLE verdicts (
  id     TEXT PRIMARY KEY,
  target TEXT NOT NULL,
  at     BIGINT NOT NULL,
  body   JSONB NOT NULL
);
CREATE INDEX verdicts_by_target ON verdicts (target, at);
CREATE INDEX verdicts_by_at ON verdicts (at);

CREATE TABLE stalls (
  vantage  TEXT NOT NULL,
  ts       BIGINT NOT NULL,
  delay_ms DOUBLE PRECISION NOT NULL
);
CREATE INDEX stalls_by_ts ON stalls (ts);

CREATE TABLE incidents (
  id         TEXT PRIMARY KEY,
  target     TEXT NOT NULL,
  from_ts    BIGINT NOT NULL,
  to_ts      BIGINT NOT NULL,
  title      TEXT NOT NULL,
  note       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  ord        BIGSERIAL
);
CREATE INDEX incidents_by_created ON incidents (created_at);

-- What instances sharing a target name must agree on (its segments), and which vantage probes each leg.
CREATE TABLE targets (
  name     TEXT PRIMARY KEY,
  segments JSONB NOT NULL
);
CREATE TABLE target_legs (
  target  TEXT NOT NULL,
  leg     TEXT NOT NULL,
  vantage TEXT NOT NULL,
  spec    JSONB NOT NULL,
  PRIMARY KEY (target, leg)
);
`,
};

// Leg outages (the outage tracker's `outage` events), as SQLite's migration 004: the latest state of each,
// keyed by target, leg and start; `vantage` says whose tracker owns an open one.
const outages: PgMigration = {
  version: 2,
  name: 'outages',
  sql: `
CREATE TABLE outages (
  target           TEXT NOT NULL,
  leg              TEXT NOT NULL,
  since            BIGINT NOT NULL,
  until            BIGINT,
  first_cause      TEXT NOT NULL,
  last_cause       TEXT NOT NULL,
  attempts         INTEGER NOT NULL,
  last_error       TEXT,
  last_http_status INTEGER,
  vantage          TEXT NOT NULL,
  PRIMARY KEY (target, leg, since)
);
CREATE INDEX outages_by_since ON outages (since);
CREATE INDEX outages_by_until ON outages (until);
CREATE INDEX outages_open ON outages (vantage) WHERE until IS NULL;
`,
};

export const PG_MIGRATIONS: readonly PgMigration[] = [initial, outages];

/** Applies what is missing; `where` names the database (password redacted) in errors. */
export async function migratePostgres(
  pool: pg.Pool,
  where: string,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS hopwatch_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, ' +
        'applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT MAX(version) AS version FROM hopwatch_migrations',
    );
    const current = rows[0]?.version ?? 0;
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new StoreError(
        'STORE_ERR_NEWER_SCHEMA',
        `the PostgreSQL store at ${where} has schema version ${current}, newer than this hopwatch knows ` +
          `(${latest}); upgrade hopwatch or point storage.postgres elsewhere`,
      );
    }
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query('INSERT INTO hopwatch_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw new StoreError(
          'STORE_ERR_MIGRATION',
          `migration ${migration.version} (${migration.name}) failed on ${where}: ${messageOf(error)}`,
          { cause: error },
        );
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
