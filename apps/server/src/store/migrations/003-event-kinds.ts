// The event log learns each event's kind, so `rtt` events (one per heartbeat per leg, the bulk of the log)
// can be pruned after an hour while the rest stay for the raw window (store/retention.ts). The partial
// index holds only rtt rows, so the prune finds its oldest ones without walking the other kinds.
// Rows written before this migration keep a NULL kind: they are not backfilled (rewriting up to 48 h of
// events at start would block for minutes) and simply age out with the raw window.
export const version = 3;
export const name = 'event-kinds';

export const sql = `
ALTER TABLE events ADD COLUMN kind TEXT;
CREATE INDEX events_rtt_by_ts ON events (ts) WHERE kind = 'rtt';
`;
