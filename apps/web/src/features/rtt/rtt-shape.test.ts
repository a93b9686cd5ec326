import type { RttPoint } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import { timeScale } from '../../lib/time-scale';
import { niceCeil, shapeRttChart } from './rtt-shape';

function point(t: number, p50: number | null, extra: Partial<RttPoint> = {}): RttPoint {
  return {
    t,
    n: p50 === null ? 0 : 10,
    min: p50 === null ? null : p50 / 2,
    p50,
    p99: p50 === null ? null : p50 * 2,
    max: p50 === null ? null : p50 * 4,
    lost: 0,
    suspect: 0,
    ...extra,
  };
}

// 10 buckets of 10 ms across 100 px: each bucket is 10 px wide, centres at 5, 15, ...
const scale = timeScale(0, 100, 100);

describe('niceCeil', () => {
  it.each([
    [0, 1],
    [0.7, 1],
    [3, 5],
    [11, 20],
    [20, 20],
    [460, 500],
  ])('%d → %d', (value, nice) => {
    expect(niceCeil(value)).toBe(nice);
  });
});

describe('shapeRttChart', () => {
  it('scales y to the largest p99 and draws one median line through contiguous buckets', () => {
    const shape = shapeRttChart([point(0, 5), point(10, 10), point(20, 5)], 10, scale, 100);
    expect(shape.yMax).toBe(50); // p99 20 × 1.1 → 50
    expect(shape.medianPath).toBe('M5 90L15 80L25 90');
    expect(shape.yTicks).toEqual([0, 25, 50]);
  });

  it('breaks the line where buckets are missing or every heartbeat was lost', () => {
    const shape = shapeRttChart(
      [
        point(0, 5),
        point(10, 5),
        point(20, null, { lost: 3 }),
        point(30, 5),
        point(40, 5),
        point(80, 5),
        point(90, 5),
      ],
      10,
      scale,
      100,
    );
    expect(shape.medianPath.match(/M/g)).toHaveLength(3);
    expect(shape.p99Band.match(/Z/g)).toHaveLength(3);
  });

  it('gives a lone bucket its own width', () => {
    const shape = shapeRttChart([point(40, 5)], 10, scale, 100);
    expect(shape.medianPath).toBe('M40 75L50 75');
  });

  it('clips the max band at the top instead of rescaling for one outlier', () => {
    const shape = shapeRttChart([point(0, 5, { max: 10_000 }), point(10, 5)], 10, scale, 100);
    expect(shape.yMax).toBe(20);
    expect(shape.rangeBand).toContain('M5 0');
  });

  it('marks lost heartbeats and greys suspect buckets, merging neighbours', () => {
    const shape = shapeRttChart(
      [
        point(0, 5, { lost: 1 }),
        point(10, 5, { suspect: 2 }),
        point(20, 5, { suspect: 1 }),
        point(50, 5, { lost: 2 }),
      ],
      10,
      scale,
      100,
    );
    expect(shape.lost).toEqual([
      { x: 5, count: 1 },
      { x: 55, count: 2 },
    ]);
    expect(shape.suspect).toEqual([{ x: 10, width: 20 }]);
  });

  it('draws nothing but a default axis for an empty series', () => {
    const shape = shapeRttChart([], 10, scale, 100);
    expect(shape).toMatchObject({
      yMax: 1,
      medianPath: '',
      p99Band: '',
      rangeBand: '',
      lost: [],
      suspect: [],
    });
  });
});
