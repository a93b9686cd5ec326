import { describe, expect, it } from 'vitest';
import { formatRttTick, niceCeil, percentile, robustTop, rttTicks } from './rtt-scale';

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 0.95, null],
    [[7], 0.95, 7],
    [[3, 1, 2], 0.5, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95, 10],
    [Array.from({ length: 100 }, (_, i) => i + 1), 0.95, 95],
    [[1, Number.NaN, 2], 1, 2],
  ])('%j at %d → %s', (values, q, expected) => {
    expect(percentile(values, q)).toBe(expected);
  });
});

describe('niceCeil', () => {
  it.each([
    [0, 1],
    [0.7, 1],
    [3, 5],
    [11, 20],
    [460, 500],
  ])('%d → %d', (value, nice) => {
    expect(niceCeil(value)).toBe(nice);
  });
});

const steady = (n: number, p50: number, p99: number) => Array.from({ length: n }, () => ({ p50, p99 }));

describe('robustTop', () => {
  it.each([
    { name: 'no data', buckets: [], top: 1 },
    { name: 'a steady series', buckets: steady(100, 1.3, 2.1), top: 5 },
    {
      name: 'one 500 ms outlier among 100 buckets does not set the scale',
      buckets: [...steady(99, 1.3, 2.1), { p50: 3, p99: 500 }],
      top: 5,
    },
    {
      name: 'a slow stretch longer than 5% of the window does',
      buckets: [...steady(80, 1.3, 2.1), ...steady(20, 40, 90)],
      top: 100,
    },
    {
      name: 'the median is never clipped by a low p99 percentile',
      buckets: [...steady(99, 1, 2), { p50: 30, p99: 31 }],
      top: 50,
    },
    {
      name: 'buckets with no answers are ignored',
      buckets: [{ p50: null, p99: null }, ...steady(3, 4, 8)],
      top: 10,
    },
  ])('$name → $top', ({ buckets, top }) => {
    expect(robustTop(buckets)).toBe(top);
  });
});

describe('ticks', () => {
  it('are 0, half and top, labelled with units', () => {
    expect(rttTicks(5).map(formatRttTick)).toEqual(['0', '2.5 ms', '5 ms']);
    expect(rttTicks(2_000).map(formatRttTick)).toEqual(['0', '1 s', '2 s']);
    expect(rttTicks(0.5).map(formatRttTick)).toEqual(['0', '0.25 ms', '0.5 ms']);
  });
});
