import type { RttPoint } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import { sparklinePaths } from './sparkline-shape';

const point = (t: number, p50: number | null, extra: Partial<RttPoint> = {}): RttPoint => ({
  t,
  n: p50 === null ? 0 : 5,
  min: p50,
  p50,
  p99: p50 === null ? null : p50 * 2,
  max: p50,
  lost: 0,
  suspect: 0,
  ...extra,
});

const frame = { from: 0, to: 100, width: 100, height: 20, step: 10 };
const moves = (d: string) => (d.match(/M/g) ?? []).length;

describe('sparklinePaths', () => {
  it('draws one unbroken line through contiguous buckets', () => {
    const paths = sparklinePaths(
      [0, 10, 20, 30].map((t) => point(t, 1)),
      frame,
    );
    expect(moves(paths.median)).toBe(1);
    expect(paths.top).toBe(5);
  });
  it('breaks the line at a gap and at a bucket with no answers', () => {
    const gap = sparklinePaths([point(0, 1), point(10, 1), point(60, 1), point(70, 1)], frame);
    expect(moves(gap.median)).toBe(2);
    const silent = sparklinePaths(
      [point(0, 1), point(10, null, { lost: 2 }), point(20, 1), point(30, 1)],
      frame,
    );
    expect(moves(silent.median)).toBe(2);
    expect(silent.lost).toBe('M15.0 20v-5');
  });
  it('marks buckets above the robust scale with a caret instead of rescaling', () => {
    const points = Array.from({ length: 40 }, (_, i) => point(i * 2.5, 1));
    points[3] = point(7.5, 1, { p99: 400 });
    const paths = sparklinePaths(points, frame);
    expect(paths.top).toBe(5);
    expect(moves(paths.clipped)).toBe(1);
  });
  it('draws nothing without data', () => {
    expect(sparklinePaths([], frame)).toMatchObject({ band: '', median: '', clipped: '', lost: '' });
  });
});
