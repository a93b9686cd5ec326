// Raw RTT moves from a row per heartbeat to a row per leg and minute (see store/rtt-chunk.ts): at 5,000
// legs the per-heartbeat rows cost thousands of scattered page writes per flush. Raw samples of the old
// table are dropped; the rollups, which charts past a few hours use, are kept.
export const version = 2;
export const name = 'rtt-chunks';

export const sql = `
DROP TABLE rtt_raw;

-- One leg's heartbeats of one minute (minute = its start, epoch ms), JSON; kept for the raw window.
CREATE TABLE rtt_chunks (
  leg_id  INTEGER NOT NULL,
  minute  INTEGER NOT NULL,
  samples TEXT NOT NULL,
  PRIMARY KEY (leg_id, minute)
) WITHOUT ROWID;
`;
