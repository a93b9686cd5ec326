import { describe, expect, it } from 'vitest';
import { wallLayout } from './wall-layout';

describe('wallLayout', () => {
  it.each([
    { legs: 3, width: 1920, height: 1080, columns: 3, rows: 1 },
    { legs: 3, width: 1366, height: 768, columns: 3, rows: 1 },
    { legs: 4, width: 1366, height: 768, columns: 4, rows: 1 },
    { legs: 6, width: 1920, height: 1080, columns: 3, rows: 2 },
    { legs: 10, width: 1920, height: 1080, columns: 4, rows: 3 },
    { legs: 12, width: 3840, height: 2160, columns: 4, rows: 3 },
    { legs: 3, width: 390, height: 844, columns: 1, rows: 3 },
  ])('$legs legs on $width×$height → $columns × $rows', ({ legs, width, height, columns, rows }) => {
    const layout = wallLayout(legs, { width, height });
    expect([layout.columns, layout.rows]).toEqual([columns, rows]);
  });
  it('drawings shrink with more rows and never vanish', () => {
    const one = wallLayout(3, { width: 1366, height: 768 });
    const three = wallLayout(12, { width: 1366, height: 768 });
    expect(three.sparkHeight).toBeLessThan(one.sparkHeight);
    expect(three.sparkHeight).toBeGreaterThanOrEqual(20);
    expect(three.stripHeight).toBeGreaterThanOrEqual(12);
  });
});
