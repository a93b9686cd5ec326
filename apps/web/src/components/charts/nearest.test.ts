import { describe, expect, it } from 'vitest';
import { nearestIndex } from './nearest';

describe('nearestIndex', () => {
  it.each([
    [[], 5, 6, -1],
    [[10], 5, 6, 0],
    [[10], 3, 6, -1],
    [[10, 12, 30], 11.5, 6, 1],
    [[10, 12, 30], 25, 6, 2],
    [[10, 12, 30], 21, 6, -1],
    [[10, 10, 10], 10, 6, 0],
    [[10, 20], 100, 6, -1],
  ])('%j near %d (within %d) → %d', (xs, x, max, index) => {
    expect(nearestIndex(xs, x, max)).toBe(index);
  });
});
