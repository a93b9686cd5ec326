// rtt event rows (migration 005) are written as numbers instead of JSON (store/rtt-event-block.ts): serializing
// each heartbeat to JSON on the main thread, and writing ~170 bytes of it, was the largest storage cost per event
// left at 10,000 legs. `strings` holds the names the samples point to; a row without it (written before this
// migration) still has the JSON body of 005 and reads as before. The version bump also keeps an older hopwatch,
// which could not read the new rows, from opening the file (STORE_ERR_NEWER_SCHEMA).
export const version = 6;
export const name = 'rtt-event-blocks';

export const sql = `
-- JSON array of the targets, legs and session ids the row's samples name; NULL: body is 005's JSON
ALTER TABLE rtt_event_batches ADD COLUMN strings TEXT;
`;
