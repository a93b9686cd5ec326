// The first schema. Times are epoch ms. RTT rows name their leg by a small integer (legs.id) because
// there are millions of them; everything else is keyed the way the API asks for it.
export const version = 1;
export const name = 'initial';

export const sql = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value INTEGER
) WITHOUT ROWID;

-- The event log behind GET /api/events and live resume. seq is the bus sequence, monotonic across restarts.
CREATE TABLE events (
  seq  INTEGER PRIMARY KEY,
  ts   INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX events_by_ts ON events (ts);

CREATE TABLE legs (
  id     INTEGER PRIMARY KEY,
  target TEXT NOT NULL,
  leg    TEXT NOT NULL,
  UNIQUE (target, leg)
);

CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,
  target       TEXT NOT NULL,
  leg          TEXT NOT NULL,
  opened_at    INTEGER NOT NULL,
  closed_at    INTEGER,
  duration_ms  REAL,
  silence_ms   REAL,
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

-- One row per heartbeat, clustered by leg and time so a chart reads one contiguous range.
CREATE TABLE rtt_raw (
  leg_id     INTEGER NOT NULL,
  ts         INTEGER NOT NULL,
  event_seq  INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  hb_seq     INTEGER NOT NULL,
  rtt_ms     REAL,
  suspect    INTEGER NOT NULL,
  PRIMARY KEY (leg_id, ts, event_seq)
) WITHOUT ROWID;

-- One row per leg and minute (minute = its start, epoch ms), kept for the whole retention.
CREATE TABLE rtt_rollup (
  leg_id  INTEGER NOT NULL,
  minute  INTEGER NOT NULL,
  n       INTEGER NOT NULL,
  min     REAL,
  p50     REAL,
  p99     REAL,
  max     REAL,
  lost    INTEGER NOT NULL,
  suspect INTEGER NOT NULL,
  PRIMARY KEY (leg_id, minute)
) WITHOUT ROWID;

CREATE TABLE verdicts (
  id     TEXT PRIMARY KEY,
  target TEXT NOT NULL,
  at     INTEGER NOT NULL,
  body   TEXT NOT NULL
);
CREATE INDEX verdicts_by_target ON verdicts (target, at);
CREATE INDEX verdicts_by_at ON verdicts (at);

CREATE TABLE stalls (
  ts       INTEGER NOT NULL,
  delay_ms REAL NOT NULL
);
CREATE INDEX stalls_by_ts ON stalls (ts);

CREATE TABLE incidents (
  id         TEXT PRIMARY KEY,
  target     TEXT NOT NULL,
  from_ts    INTEGER NOT NULL,
  to_ts      INTEGER NOT NULL,
  title      TEXT NOT NULL,
  note       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX incidents_by_created ON incidents (created_at);
`;
