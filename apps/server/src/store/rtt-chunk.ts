// One leg's raw heartbeats of one minute, stored as a single row (rtt_chunks). A row per heartbeat meant
// 5,000 legs touched thousands of B-tree pages every flush; a row per leg-minute is written once, when the
// minute is over. JSON keeps the file readable with the sqlite3 shell; session ids are listed once per chunk.
import type { RttObservation } from '@hopwatch/shared/series';

/** One heartbeat as storage keeps it. */
export interface StoredSample extends RttObservation {
  sessionId: string;
  /** the heartbeat's own sequence number within its session */
  hbSeq: number;
  /** the event's seq in the event log: identifies the sample when a minute is merged */
  eventSeq: number;
}

type EncodedSample = [
  offsetMs: number,
  rttMs: number | null,
  suspect: 0 | 1,
  hbSeq: number,
  session: number,
  eventSeq: number,
];

interface EncodedChunk {
  sessions: string[];
  samples: EncodedSample[];
}

export function encodeChunk(minute: number, samples: readonly StoredSample[]): string {
  const sessions: string[] = [];
  const sessionIndex = new Map<string, number>();
  const encoded = samples.map((s): EncodedSample => {
    let index = sessionIndex.get(s.sessionId);
    if (index === undefined) {
      index = sessions.length;
      sessions.push(s.sessionId);
      sessionIndex.set(s.sessionId, index);
    }
    return [s.ts - minute, s.rttMs, s.suspect ? 1 : 0, s.hbSeq, index, s.eventSeq];
  });
  return JSON.stringify({ sessions, samples: encoded } satisfies EncodedChunk);
}

/** Throws on text that is not a chunk; the caller reports it and treats the minute as empty. */
export function decodeChunk(minute: number, text: string): StoredSample[] {
  const chunk = JSON.parse(text) as EncodedChunk;
  if (!Array.isArray(chunk.sessions) || !Array.isArray(chunk.samples)) {
    throw new TypeError('not an RTT chunk');
  }
  return chunk.samples.map(([offset, rttMs, suspect, hbSeq, session, eventSeq]) => ({
    ts: minute + offset,
    rttMs,
    suspect: suspect === 1,
    hbSeq,
    sessionId: chunk.sessions[session] ?? '',
    eventSeq,
  }));
}

/** Both sets of samples, each heartbeat once (by eventSeq; the newer copy wins), in time order. */
export function mergeSamples(
  stored: readonly StoredSample[],
  fresh: readonly StoredSample[],
): StoredSample[] {
  const byEvent = new Map<number, StoredSample>();
  for (const sample of stored) byEvent.set(sample.eventSeq, sample);
  for (const sample of fresh) byEvent.set(sample.eventSeq, sample);
  return [...byEvent.values()].sort((a, b) => a.ts - b.ts || a.eventSeq - b.eventSeq);
}
