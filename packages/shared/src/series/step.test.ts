import { describe, expect, it } from 'vitest';
import { RTT_MAX_POINTS } from '../protocol/api.js';
import { bucketCount, bucketStart, chooseStep, RTT_ROLLUP_MS, STEP_LADDER } from './step.js';

const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
// An unaligned instant, so ranges do not start on bucket boundaries by luck.
const T0 = Date.UTC(2025, 0, 15, 10, 17, 23, 456);

describe('bucketStart', () => {
  it.each([
    [0, 1_000, 0],
    [999, 1_000, 0],
    [1_000, 1_000, 1_000],
    [61_234, MINUTE, MINUTE],
    [-1, 1_000, -1_000],
  ])('bucketStart(%d, %d) = %d', (ts, step, start) => {
    expect(bucketStart(ts, step)).toBe(start);
  });
});

describe('bucketCount', () => {
  it.each([
    [0, 1_000, 1_000, 1],
    [0, 1_001, 1_000, 2],
    [500, 1_500, 1_000, 2],
    [0, 0, 1_000, 0],
    [10, 5, 1_000, 0],
    [0, DAY, MINUTE, 1_440],
  ])('[%d, %d) at %d → %d buckets', (from, to, step, count) => {
    expect(bucketCount(from, to, step)).toBe(count);
  });
});

describe('chooseStep', () => {
  it.each([
    ['10 min', 10 * MINUTE, undefined, 500],
    ['1 h', HOUR, undefined, 2 * SECOND],
    ['6 h', 6 * HOUR, undefined, 15 * SECOND],
    ['24 h', DAY, undefined, MINUTE],
    ['7 d', 7 * DAY, undefined, 10 * MINUTE],
    ['30 d', 30 * DAY, undefined, 30 * MINUTE],
    ['1 h asking 1 min', HOUR, MINUTE, MINUTE],
    ['1 h asking 45 s (off the ladder)', HOUR, 45 * SECOND, MINUTE],
    ['24 h asking 1 s (too many points)', DAY, SECOND, MINUTE],
  ])('%s', (_name, span, requestedMs, expected) => {
    expect(chooseStep({ from: T0, to: T0 + span, requestedMs })).toBe(expected);
  });

  it('respects a minimum step (raw samples already pruned)', () => {
    expect(chooseStep({ from: T0, to: T0 + HOUR, minMs: RTT_ROLLUP_MS })).toBe(MINUTE);
  });

  it('ignores nonsense requested steps', () => {
    expect(chooseStep({ from: T0, to: T0 + HOUR, requestedMs: -5 })).toBe(2 * SECOND);
    expect(chooseStep({ from: T0, to: T0 + HOUR, requestedMs: Number.NaN })).toBe(2 * SECOND);
  });

  it('goes past the ladder in whole days for very long ranges', () => {
    const step = chooseStep({ from: T0, to: T0 + 20 * 365 * DAY });
    expect(step % DAY).toBe(0);
    expect(step).toBeGreaterThan(DAY);
    expect(bucketCount(T0, T0 + 20 * 365 * DAY, step)).toBeLessThanOrEqual(RTT_MAX_POINTS);
    expect(bucketCount(T0, T0 + 20 * 365 * DAY, step - DAY)).toBeGreaterThan(RTT_MAX_POINTS);
  });

  it('rejects a range that is not finite', () => {
    expect(() => chooseStep({ from: 0, to: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });

  it.each([1, 7, 59_999, HOUR + 1, DAY - 1, DAY, 3 * DAY + 17, 90 * DAY])(
    'never exceeds the point cap over a span of %d ms, and picks the smallest step that fits',
    (span) => {
      const step = chooseStep({ from: T0, to: T0 + span });
      expect(bucketCount(T0, T0 + span, step)).toBeLessThanOrEqual(RTT_MAX_POINTS);
      const smaller = STEP_LADDER.filter((s) => s < step);
      for (const s of smaller) expect(bucketCount(T0, T0 + span, s)).toBeGreaterThan(RTT_MAX_POINTS);
    },
  );

  it('keeps every step from one minute up a whole number of minutes', () => {
    for (const step of STEP_LADDER.filter((s) => s >= RTT_ROLLUP_MS)) expect(step % RTT_ROLLUP_MS).toBe(0);
  });
});
