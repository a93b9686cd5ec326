import { describe, expect, it } from 'vitest';
import { MinuteSamples } from './minute-samples.js';
import type { StoredSample } from './rtt-chunk.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const sample = (over: Partial<StoredSample> = {}): StoredSample => ({
  ts: T0 + 1_000,
  rttMs: 0.352,
  suspect: false,
  sessionId: 's1',
  hbSeq: 3,
  eventSeq: 17,
  ...over,
});

function roundTrip(samples: StoredSample[]): StoredSample[] {
  const minute = new MinuteSamples();
  for (const s of samples) minute.push(s.ts, s.rttMs, s.suspect, s.sessionId, s.hbSeq, s.eventSeq);
  expect(minute.length).toBe(samples.length);
  return minute.toArray();
}

describe("a minute's samples in memory", () => {
  it.each<[string, StoredSample[]]>([
    ['none', []],
    ['an answered heartbeat', [sample()]],
    [
      'a lost one (rttMs null) and a suspect one',
      [sample({ rttMs: null }), sample({ suspect: true, eventSeq: 18 })],
    ],
    ['a heartbeat without seq (-1) and fractional times', [sample({ hbSeq: -1, ts: T0 + 0.5, rttMs: 1e-6 })]],
    [
      'a leg that reconnected, and back to an earlier session',
      [sample(), sample({ sessionId: 's2', eventSeq: 18 }), sample({ sessionId: 's1', eventSeq: 19 })],
    ],
    [
      'in arrival order, not time order',
      [sample({ ts: T0 + 2_000 }), sample({ ts: T0 + 1_000, eventSeq: 18 })],
    ],
  ])('%s reads back as pushed', (_, samples) => {
    expect(roundTrip(samples)).toEqual(samples);
  });
});
