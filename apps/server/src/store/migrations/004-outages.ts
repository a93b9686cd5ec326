// Outages (docs/spec.md#1-concepts): one row per leg outage, upserted from `outage` events as it begins, takes failed
// attempts and ends, so GET /api/outages survives a restart. `until` is NULL while the outage is open.
export const version = 4;
export const name = 'outages';

export const sql = `
CREATE TABLE outages (
  target           TEXT NOT NULL,
  leg              TEXT NOT NULL,
  since            INTEGER NOT NULL,
  until            INTEGER,
  first_cause      TEXT NOT NULL,
  last_cause       TEXT NOT NULL,
  attempts         INTEGER NOT NULL,
  last_error       TEXT,
  last_http_status INTEGER,
  PRIMARY KEY (target, leg, since)
);
CREATE INDEX outages_by_since ON outages (since);
CREATE INDEX outages_open ON outages (target, leg) WHERE until IS NULL;
`;
