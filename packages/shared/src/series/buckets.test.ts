import { describe, expect, it } from 'vitest';
import type { RttPoint } from '../protocol/api.js';
import { bucketSamples, mergePoints, percentile, type RttObservation, summarize } from './buckets.js';

const ok = (ts: number, rttMs: number, suspect = false): RttObservation => ({ ts, rttMs, suspect });
const lost = (ts: number, suspect = false): RttObservation => ({ ts, rttMs: null, suspect });

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 0.5, null],
    [[7], 0.5, 7],
    [[7], 0.99, 7],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4, 5], 0.5, 3],
    [[1, 2, 3, 4, 5], 0.99, 5],
    [Array.from({ length: 100 }, (_, i) => i + 1), 0.99, 99],
    [Array.from({ length: 100 }, (_, i) => i + 1), 0.5, 50],
    [Array.from({ length: 1_000 }, (_, i) => i + 1), 0.99, 990],
  ])('%j at %d → %j', (sorted, p, expected) => {
    expect(percentile(sorted, p)).toBe(expected);
  });
});

describe('summarize', () => {
  it.each<[string, RttObservation[], Omit<RttPoint, 't'>]>([
    ['empty', [], { n: 0, min: null, p50: null, p99: null, max: null, lost: 0, suspect: 0 }],
    [
      'only lost',
      [lost(1), lost(2)],
      { n: 0, min: null, p50: null, p99: null, max: null, lost: 2, suspect: 0 },
    ],
    [
      'unsorted answers with a loss',
      [ok(1, 30), ok(2, 10), lost(3), ok(4, 20)],
      { n: 3, min: 10, p50: 20, p99: 30, max: 30, lost: 1, suspect: 0 },
    ],
    [
      'suspect samples are counted and still measured',
      [ok(1, 5), ok(2, 900, true), lost(3, true)],
      { n: 2, min: 5, p50: 5, p99: 900, max: 900, lost: 1, suspect: 2 },
    ],
    [
      'a non-finite RTT counts as lost rather than poisoning min/max',
      [ok(1, Number.NaN), ok(2, 4)],
      { n: 1, min: 4, p50: 4, p99: 4, max: 4, lost: 1, suspect: 0 },
    ],
  ])('%s', (_name, samples, expected) => {
    expect(summarize(1_000, samples)).toEqual({ t: 1_000, ...expected });
  });
});

describe('bucketSamples', () => {
  it('groups by aligned bucket, skips empty buckets, ascends by t', () => {
    const samples = [ok(5_500, 3), ok(1_200, 1), ok(1_900, 2), lost(5_100)];
    expect(bucketSamples(samples, 1_000)).toEqual([
      { t: 1_000, n: 2, min: 1, p50: 1, p99: 2, max: 2, lost: 0, suspect: 0 },
      { t: 5_000, n: 1, min: 3, p50: 3, p99: 3, max: 3, lost: 1, suspect: 0 },
    ]);
  });

  it('returns nothing for no samples', () => {
    expect(bucketSamples([], 1_000)).toEqual([]);
  });
});

describe('mergePoints', () => {
  const minute = (t: number, n: number, min: number, p50: number, p99: number, max: number, lostN = 0) =>
    ({ t, n, min, p50, p99, max, lost: lostN, suspect: 0 }) satisfies RttPoint;
  const empty = (t: number, lostN: number): RttPoint => ({
    t,
    n: 0,
    min: null,
    p50: null,
    p99: null,
    max: null,
    lost: lostN,
    suspect: 1,
  });

  it.each<[string, RttPoint[], RttPoint[]]>([
    [
      'sums counts, keeps exact min/max, n-weighted median of p50s, max of p99s',
      [
        minute(0, 60, 10, 12, 30, 40),
        minute(60_000, 10, 5, 50, 60, 70, 2),
        minute(120_000, 60, 11, 13, 20, 25),
      ],
      [{ t: 0, n: 130, min: 5, p50: 13, p99: 60, max: 70, lost: 2, suspect: 0 }],
    ],
    [
      'a bucket of only lost heartbeats keeps its losses and null statistics',
      [empty(0, 3), empty(60_000, 2)],
      [{ t: 0, n: 0, min: null, p50: null, p99: null, max: null, lost: 5, suspect: 2 }],
    ],
    [
      'splits into aligned buckets and ascends by t',
      [minute(360_000, 1, 9, 9, 9, 9), minute(0, 1, 1, 1, 1, 1), minute(240_000, 1, 2, 2, 2, 2)],
      [
        { t: 0, n: 1, min: 1, p50: 1, p99: 1, max: 1, lost: 0, suspect: 0 },
        { t: 180_000, n: 1, min: 2, p50: 2, p99: 2, max: 2, lost: 0, suspect: 0 },
        { t: 360_000, n: 1, min: 9, p50: 9, p99: 9, max: 9, lost: 0, suspect: 0 },
      ],
    ],
  ])('%s', (_name, points, expected) => {
    expect(mergePoints(points, 180_000)).toEqual(expected);
  });

  it('matches the exact statistics when merging a single part', () => {
    const samples = [ok(1_000, 8), ok(2_000, 3), lost(3_000), ok(4_000, 5)];
    const exact = summarize(0, samples);
    expect(mergePoints([exact], 60_000)).toEqual([exact]);
  });
});
