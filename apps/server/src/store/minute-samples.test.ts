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

describe('a minute reused for the next one (store/rtt.ts)', () => {
  it.each<[string, StoredSample[], StoredSample[]]>([
    [
      'a shorter minute after a longer one',
      [sample(), sample({ eventSeq: 18 }), sample({ eventSeq: 19 })],
      [sample({ eventSeq: 30 })],
    ],
    ['a longer minute after a shorter one', [sample()], [sample({ eventSeq: 30 }), sample({ eventSeq: 31 })]],
    [
      'another session, numbered from scratch',
      [sample({ sessionId: 'old' })],
      [sample({ sessionId: 'new', eventSeq: 30 })],
    ],
    ['an empty minute after a full one', [sample(), sample({ rttMs: null, eventSeq: 18 })], []],
  ])('%s reads back only its own samples', (_, before, after) => {
    const minute = new MinuteSamples();
    for (const s of before) minute.push(s.ts, s.rttMs, s.suspect, s.sessionId, s.hbSeq, s.eventSeq);
    expect(minute.toArray()).toEqual(before);
    minute.clear();
    expect(minute.length).toBe(0);
    for (const s of after) minute.push(s.ts, s.rttMs, s.suspect, s.sessionId, s.hbSeq, s.eventSeq);
    expect(minute.length).toBe(after.length);
    expect(minute.toArray()).toEqual(after);
  });
});
