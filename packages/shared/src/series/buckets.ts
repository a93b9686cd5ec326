// Turning RTT samples into chart points: exact statistics from raw samples, and merged 1-minute rollups
// for long ranges. A rollup is itself an RttPoint whose bucket is one minute wide.
import type { RttPoint } from '../protocol/api.js';
import { bucketStart } from './step.js';

/** One heartbeat as the series needs it; `rttMs` null = lost. */
export interface RttObservation {
  ts: number;
  rttMs: number | null;
  suspect: boolean;
}

/**
 * Nearest-rank percentile of an ascending array: the smallest value with at least p of the samples at or
 * below it. Always one of the samples, so a chart never shows an RTT nobody measured.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/** Exact statistics of one bucket's samples. Suspect samples count in n/min/max too: they were measured. */
export function summarize(t: number, samples: readonly RttObservation[]): RttPoint {
  const answered: number[] = [];
  let lost = 0;
  let suspect = 0;
  for (const sample of samples) {
    if (sample.suspect) suspect += 1;
    if (sample.rttMs === null || !Number.isFinite(sample.rttMs)) lost += 1;
    else answered.push(sample.rttMs);
  }
  answered.sort((a, b) => a - b);
  return {
    t,
    n: answered.length,
    min: answered[0] ?? null,
    p50: percentile(answered, 0.5),
    p99: percentile(answered, 0.99),
    max: answered[answered.length - 1] ?? null,
    lost,
    suspect,
  };
}

/** Buckets raw samples by `stepMs`; only buckets holding samples come back, ascending by `t`. */
export function bucketSamples(samples: readonly RttObservation[], stepMs: number): RttPoint[] {
  return groupByBucket(samples, (sample) => sample.ts, stepMs).map(([t, bucket]) => summarize(t, bucket));
}

/**
 * Merges rollups (or any finer points) into buckets of `stepMs`, ascending by `t`.
 *
 * n, lost and suspect add up and min/max are exact. Percentiles cannot be merged exactly without the
 * samples, so they are approximated:
 * - p50: the n-weighted median of the parts' p50s (the median minute, counted as many times as it had
 *   answers), which stays on a value that was measured and ignores a few odd minutes;
 * - p99: the largest of the parts' p99s, deliberately pessimistic so a bad minute is never averaged away
 *   on a day-long chart.
 */
export function mergePoints(points: readonly RttPoint[], stepMs: number): RttPoint[] {
  return groupByBucket(points, (point) => point.t, stepMs).map(([t, parts]) => mergeBucket(t, parts));
}

/** [bucket start, items] pairs, ascending; empty buckets do not appear. */
function groupByBucket<T>(items: readonly T[], tsOf: (item: T) => number, stepMs: number): [number, T[]][] {
  const buckets = new Map<number, T[]>();
  for (const item of items) {
    const t = bucketStart(tsOf(item), stepMs);
    const bucket = buckets.get(t);
    if (bucket) bucket.push(item);
    else buckets.set(t, [item]);
  }
  return [...buckets.entries()].sort(([a], [b]) => a - b);
}

function mergeBucket(t: number, parts: readonly RttPoint[]): RttPoint {
  let n = 0;
  let lost = 0;
  let suspect = 0;
  let min: number | null = null;
  let max: number | null = null;
  let p99: number | null = null;
  const medians: { value: number; weight: number }[] = [];
  for (const part of parts) {
    n += part.n;
    lost += part.lost;
    suspect += part.suspect;
    if (part.n === 0) continue;
    if (part.min !== null && (min === null || part.min < min)) min = part.min;
    if (part.max !== null && (max === null || part.max > max)) max = part.max;
    if (part.p99 !== null && (p99 === null || part.p99 > p99)) p99 = part.p99;
    if (part.p50 !== null) medians.push({ value: part.p50, weight: part.n });
  }
  return { t, n, min, p50: weightedMedian(medians), p99, max, lost, suspect };
}

function weightedMedian(values: { value: number; weight: number }[]): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a.value - b.value);
  const total = values.reduce((sum, v) => sum + v.weight, 0);
  let seen = 0;
  for (const v of values) {
    seen += v.weight;
    if (seen * 2 >= total) return v.value;
  }
  return values[values.length - 1]?.value ?? null;
}
