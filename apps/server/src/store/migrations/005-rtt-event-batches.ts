// rtt events (one per heartbeat per leg: 10,000 a second at 10,000 legs) are written to the event log a flush at
// a time, as one row per flush, instead of one `events` row each: three B-tree inserts per heartbeat (the row,
// events_by_ts, events_rtt_by_ts) were most of the main thread's storage cost. Each event keeps its own seq in
// the row's body, and EventLog.after merges these rows with `events` by seq, so the log reads as before.
// rtt rows written by earlier versions stay in `events` and age out as they did.
export const version = 5;
export const name = 'rtt-event-batches';

export const sql = `
CREATE TABLE rtt_event_batches (
  first_seq INTEGER PRIMARY KEY,
  last_seq  INTEGER NOT NULL,
  first_ts  INTEGER NOT NULL,
  last_ts   INTEGER NOT NULL,
  -- JSON array of [seq, event] pairs in seq order
  body      TEXT NOT NULL
);
CREATE INDEX rtt_event_batches_by_last_seq ON rtt_event_batches (last_seq);
CREATE INDEX rtt_event_batches_by_last_ts ON rtt_event_batches (last_ts);
`;
