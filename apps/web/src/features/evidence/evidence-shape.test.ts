import type { EvidenceSeries } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import { shapeEvidence } from './evidence-shape';

const scale = { from: 0, to: 10_000, width: 100, x: (t: number) => t / 100 };
const HEIGHT = 46;

function series(values: (number | null)[], above = 0.5): EvidenceSeries {
  return {
    name: 'io',
    segment: 'app',
    query: 'q',
    above,
    points: values.flatMap((v, i) => (v === null ? [] : [{ t: i * 1_000, v }])),
    error: null,
  };
}

describe('shapeEvidence', () => {
  it.each<[string, EvidenceSeries, Partial<ReturnType<typeof shapeEvidence>>]>([
    [
      'no points: no line, the threshold still drawn',
      series([]),
      { path: '', above: [], peak: null, last: null },
    ],
    [
      'a stretch above the threshold is shaded from its first sample to the next below',
      series([0, 1, 1, 0]),
      { above: [{ x: 10, width: 20 }], peak: 1, last: 0 },
    ],
    ['a gap breaks the line', series([0, 0, null, null, 0, 0]), { path: 'M0,43L10,43M40,43L50,43' }],
  ])('%s', (_name, input, expected) => {
    expect(shapeEvidence(input, scale, HEIGHT)).toMatchObject(expected);
  });

  it('keeps room above the threshold when the series stays below it', () => {
    const shape = shapeEvidence(series([0.1, 0.2], 0.8), scale, HEIGHT);
    expect(shape.top).toBeCloseTo(1);
    expect(shape.thresholdY).toBeGreaterThan(3);
  });

  it('puts the peak at the top when it is above the threshold', () => {
    const shape = shapeEvidence(series([0, 4], 1), scale, HEIGHT);
    expect(shape.top).toBe(4);
    expect(shape.path).toBe('M0,43L10,3');
  });
});
