import { describe, expect, it } from 'vitest';
import { decodeChunk, encodeChunk, mergeSamples, type StoredSample } from './rtt-chunk.js';

const MINUTE = Date.UTC(2025, 0, 15, 10, 0, 0);
const sample = (offset: number, eventSeq: number, overrides: Partial<StoredSample> = {}): StoredSample => ({
  ts: MINUTE + offset,
  rttMs: 12.5,
  suspect: false,
  sessionId: 's1',
  hbSeq: eventSeq,
  eventSeq,
  ...overrides,
});

describe('encodeChunk / decodeChunk', () => {
  it.each<[string, StoredSample[]]>([
    ['no samples', []],
    ['one answered heartbeat', [sample(250, 1)]],
    [
      'lost, suspect, two sessions, fractional times',
      [
        sample(0, 1, { rttMs: null }),
        sample(1_000.5, 2, { suspect: true }),
        sample(59_999, 3, { sessionId: 's\'2 "quoted"', rttMs: 0.031 }),
      ],
    ],
  ])('round-trips %s', (_name, samples) => {
    expect(decodeChunk(MINUTE, encodeChunk(MINUTE, samples))).toEqual(samples);
  });

  it('lists each session id once', () => {
    const text = encodeChunk(MINUTE, [sample(0, 1), sample(1, 2), sample(2, 3, { sessionId: 's2' })]);
    expect(JSON.parse(text).sessions).toEqual(['s1', 's2']);
  });

  it.each(['', 'null', '{"sessions":[]}', '[1,2]', 'garbage'])('rejects %j', (text) => {
    expect(() => decodeChunk(MINUTE, text)).toThrow();
  });
});

describe('mergeSamples', () => {
  it.each<[string, StoredSample[], StoredSample[], number[]]>([
    ['disjoint, sorted by time', [sample(10, 1), sample(30, 3)], [sample(20, 2)], [1, 2, 3]],
    ['the same heartbeat once', [sample(10, 1), sample(20, 2)], [sample(20, 2), sample(40, 4)], [1, 2, 4]],
    ['nothing stored yet', [], [sample(5, 9)], [9]],
    ['equal times ordered by event', [sample(10, 7)], [sample(10, 6)], [6, 7]],
  ])('%s', (_name, stored, fresh, expectedSeqs) => {
    expect(mergeSamples(stored, fresh).map((s) => s.eventSeq)).toEqual(expectedSeqs);
  });

  it('keeps the newer copy of a heartbeat', () => {
    const merged = mergeSamples([sample(10, 1, { rttMs: null })], [sample(10, 1, { rttMs: 8 })]);
    expect(merged).toEqual([sample(10, 1, { rttMs: 8 })]);
  });
});
