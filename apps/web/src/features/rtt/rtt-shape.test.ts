import type { RttPoint } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import { fitRttToWidth, type RttChartRow, shapeRttChart } from './rtt-shape';

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

/** A row as [t, p50] (null where the line breaks), to compare whole series at a glance. */
const medians = (rows: readonly RttChartRow[]) => rows.map((row) => [row.t, row.p50]);

describe('shapeRttChart', () => {
  it('scales y to the largest p99 and puts one row per bucket at its centre', () => {
    const shape = shapeRttChart([point(0, 5), point(10, 10), point(20, 5)], 10);
    expect(shape.yMax).toBe(50); // p99 20 × 1.1 → 50
    expect(shape.yTicks).toEqual([0, 25, 50]);
    expect(shape.step).toBe(10);
    expect(medians(shape.rows)).toEqual([
      [5, 5],
      [15, 10],
      [25, 5],
    ]);
    expect(shape.rows[1]).toMatchObject({ p99Band: [5, 20], rangeBand: [5, 40] });
  });

  it("hands out its rows frozen, so recharts' store takes them as they are instead of freezing each row", () => {
    const shape = shapeRttChart([point(0, 5), point(10, 10)], 10);
    expect(Object.isFrozen(shape.rows)).toBe(true);
  });

  it.each([
    {
      name: 'a missing bucket (the leg was down) breaks the line between its neighbours',
      points: [point(0, 5), point(10, 5), point(40, 5), point(50, 5)],
      rows: [
        [5, 5],
        [15, 5],
        [30, null],
        [45, 5],
        [55, 5],
      ],
    },
    {
      name: 'a bucket where every heartbeat was lost breaks the line at its centre',
      points: [point(0, 5), point(10, 5), point(20, null, { lost: 3 }), point(30, 5), point(40, 5)],
      rows: [
        [5, 5],
        [15, 5],
        [25, null],
        [35, 5],
        [45, 5],
      ],
    },
    {
      name: 'a lone bucket gets rows at both edges so it has a width',
      points: [point(40, 5)],
      rows: [
        [40, 5],
        [50, 5],
      ],
    },
    {
      name: 'a lone bucket after a gap and before a lost bucket is still drawn',
      points: [point(0, 5), point(10, 5), point(40, 5), point(50, null, { lost: 1 })],
      rows: [
        [5, 5],
        [15, 5],
        [30, null],
        [40, 5],
        [50, 5],
        [55, null],
      ],
    },
  ])('$name', ({ points, rows }) => {
    expect(medians(shapeRttChart(points, 10).rows)).toEqual(rows);
  });

  it('breaks both bands wherever it breaks the line', () => {
    const shape = shapeRttChart([point(0, 5), point(10, null, { lost: 1 }), point(20, 5)], 10);
    for (const row of shape.rows) {
      expect(row.p99Band === null).toBe(row.p50 === null);
      expect(row.rangeBand === null).toBe(row.p50 === null);
    }
  });

  it('clips the max band at the top instead of rescaling for one outlier, and keeps the measured bucket', () => {
    const shape = shapeRttChart([point(0, 5, { max: 10_000 }), point(10, 5)], 10);
    expect(shape.yMax).toBe(20);
    expect(shape.rows[0]?.rangeBand).toEqual([2.5, 20]);
    expect(shape.rows[0]?.bucket?.max).toBe(10_000);
  });

  it('joins buckets finer than the heartbeat interval into one line (no scattered dots)', () => {
    // heartbeats every 5 s in 1 s buckets: answered buckets 5 apart, a real 30 s gap still breaks the line
    const points = [0, 5, 10, 15, 45, 50].map((t) => point(t, 5));
    expect(medians(shapeRttChart(points, 1).rows)).toEqual([
      [0.5, 5],
      [5.5, 5],
      [10.5, 5],
      [15.5, 5],
      [30.5, null],
      [45.5, 5],
      [50.5, 5],
    ]);
  });

  it('lists buckets above the robust axis top as clipped', () => {
    const points = Array.from({ length: 40 }, (_, i) => point(i * 10, 1));
    points[7] = point(70, 1, { p99: 500, max: 600 });
    const shape = shapeRttChart(points, 10);
    expect(shape.yMax).toBe(5);
    expect(shape.clipped).toEqual([{ t: 75, p99: 500 }]);
    expect(shape.rows[7]?.p99Band).toEqual([0.5, 5]);
  });

  it('marks lost heartbeats at bucket centres and merges neighbouring suspect buckets into runs', () => {
    const shape = shapeRttChart(
      [
        point(0, 5, { lost: 1 }),
        point(10, 5, { suspect: 2 }),
        point(20, 5, { suspect: 1 }),
        point(50, 5, { lost: 2, suspect: 1 }),
      ],
      10,
    );
    expect(shape.lost).toEqual([
      { t: 5, count: 1 },
      { t: 55, count: 2 },
    ]);
    expect(shape.suspect).toEqual([
      { from: 10, to: 30 },
      { from: 50, to: 60 },
    ]);
  });

  it('keeps an all-lost bucket as a row with its bucket, so the readout can say what was lost', () => {
    const lostBucket = point(10, null, { lost: 4 });
    const shape = shapeRttChart([point(0, 5), lostBucket, point(20, 5)], 10);
    expect(shape.rows.find((row) => row.t === 15)?.bucket).toBe(lostBucket);
  });

  it('draws nothing but a default axis for an empty series', () => {
    expect(shapeRttChart([], 10)).toEqual({
      step: 10,
      yMax: 1,
      yTicks: [0, 0.5, 1],
      rows: [],
      lost: [],
      suspect: [],
      clipped: [],
    });
  });
});

describe('fitRttToWidth', () => {
  const SECOND = 1_000;
  const MINUTE = 60 * SECOND;
  const HOUR = 60 * MINUTE;
  const series = (step: number, count: number, from = 0) => ({
    step,
    points: Array.from({ length: count }, (_, i) => point(from + i * step, 5)),
  });

  it.each([
    // [step, points, span, width, fitted step]
    { step: SECOND, count: 900, span: 15 * MINUTE, width: 1_000, fitted: SECOND },
    { step: SECOND, count: 900, span: 15 * MINUTE, width: 800, fitted: 2 * SECOND },
    // 1 s heartbeats in 500 ms buckets: fewer points than columns, but each bucket is under a pixel wide.
    { step: 500, count: 900, span: 15 * MINUTE, width: 1_130, fitted: SECOND },
    { step: MINUTE, count: 1_440, span: 24 * HOUR, width: 1_100, fitted: 2 * MINUTE },
    { step: MINUTE, count: 1_440, span: 24 * HOUR, width: 300, fitted: 5 * MINUTE },
    // 10 s cannot merge into 15 s buckets without straddling: the next whole multiple on the ladder is 30 s.
    { step: 10 * SECOND, count: 1_000, span: 10_000 * SECOND, width: 700, fitted: 30 * SECOND },
  ])(
    '$count points of $step ms over $span ms at $width px → $fitted ms',
    ({ step, count, span, width, fitted }) => {
      const fittedSeries = fitRttToWidth(series(step, count), span, width);
      expect(fittedSeries.step).toBe(fitted);
      expect(fittedSeries.points.length).toBeLessThanOrEqual(Math.max(2, width));
      expect(Math.ceil(span / fittedSeries.step) + 1).toBeLessThanOrEqual(width);
    },
  );

  it('returns the very series when it already fits, so memoised rows stay the same', () => {
    const fitting = series(SECOND, 500);
    expect(fitRttToWidth(fitting, 15 * MINUTE, 1_000)).toBe(fitting);
  });

  it('keeps every lost heartbeat and suspect sample, and the worst p99, when it merges', () => {
    const points = [
      point(0, 5, { lost: 2 }),
      point(MINUTE, 7, { suspect: 1, p99: 90 }),
      point(2 * MINUTE, 6, { lost: 1 }),
      point(3 * MINUTE, 5),
    ];
    const fitted = fitRttToWidth({ step: MINUTE, points }, 4 * MINUTE, 3);
    expect(fitted.points.length).toBeLessThanOrEqual(3);
    expect(fitted.points.reduce((sum, p) => sum + p.lost, 0)).toBe(3);
    expect(fitted.points.reduce((sum, p) => sum + p.suspect, 0)).toBe(1);
    expect(Math.max(...fitted.points.map((p) => p.p99 ?? 0))).toBe(90);
  });

  it('goes past the ladder in whole multiples of the step for very narrow charts', () => {
    const fitted = fitRttToWidth(series(HOUR, 2_000), 2_000 * HOUR, 10);
    expect(fitted.step % HOUR).toBe(0);
    expect(fitted.points.length).toBeLessThanOrEqual(10);
  });
});
