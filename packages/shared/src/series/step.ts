// Choosing the bucket width of an RTT series: the widest chart must stay under RTT_MAX_POINTS points, and
// widths come from a 1-2-5 ladder so bucket starts land on round times a person can read off an axis.
import { RTT_MAX_POINTS } from '../protocol/api.js';

/** Rollups are kept per minute; any step at or above this is served from them. */
export const RTT_ROLLUP_MS = 60_000;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Bucket widths in ms. Every width from one minute up is a whole number of minutes, so a 1-minute rollup
 * never straddles two buckets.
 */
export const STEP_LADDER: readonly number[] = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
];

/** Start of the bucket `ts` falls in; buckets are aligned to the epoch so they do not shift as time passes. */
export function bucketStart(ts: number, stepMs: number): number {
  return Math.floor(ts / stepMs) * stepMs;
}

/** Buckets touched by the half-open range [from, to). */
export function bucketCount(from: number, to: number, stepMs: number): number {
  if (!(to > from)) return 0;
  return Math.floor((to - 1) / stepMs) - Math.floor(from / stepMs) + 1;
}

export interface StepRequest {
  from: number;
  to: number;
  /** the step the caller asked for; rounded up to the ladder and widened if it would give too many points */
  requestedMs?: number | undefined;
  /** no step below this (e.g. the rollup width when raw samples are gone) */
  minMs?: number | undefined;
  maxPoints?: number | undefined;
}

/**
 * The smallest ladder step at or above the requested and minimum steps whose aligned buckets over
 * [from, to) number at most `maxPoints`. Past the ladder's top, whole days.
 */
export function chooseStep(request: StepRequest): number {
  if (!Number.isFinite(request.from) || !Number.isFinite(request.to)) {
    throw new RangeError(`series range must be finite, got [${request.from}, ${request.to})`);
  }
  const maxPoints = Math.max(1, Math.floor(request.maxPoints ?? RTT_MAX_POINTS));
  const floor = Math.max(positiveOr(request.requestedMs, 0), positiveOr(request.minMs, 0));
  for (const step of STEP_LADDER) {
    if (step >= floor && bucketCount(request.from, request.to, step) <= maxPoints) return step;
  }
  // Aligned buckets of width w over a span s number at most s / w + 1, so the loop below runs a few times.
  const span = request.to - request.from;
  let days = Math.max(2, Math.ceil(floor / DAY), Math.ceil(span / DAY / maxPoints));
  while (bucketCount(request.from, request.to, days * DAY) > maxPoints) days += 1;
  return days * DAY;
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
