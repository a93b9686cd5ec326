import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const policy = { initialMs: 1_000, maxMs: 60_000 };

describe('backoffDelay', () => {
  it.each([
    [0, 1_000],
    [1, 2_000],
    [3, 8_000],
    [6, 60_000],
    [50, 60_000],
  ])('attempt %d has ceiling %d ms', (attempt, ceiling) => {
    expect(backoffDelay(policy, attempt, () => 0.999999)).toBe(Math.floor(0.999999 * ceiling));
    expect(backoffDelay(policy, attempt, () => 0)).toBe(0);
  });

  it('spreads delays across the whole window (full jitter)', () => {
    const delays = Array.from({ length: 2_000 }, () => backoffDelay(policy, 2));
    expect(Math.min(...delays)).toBeLessThan(400);
    expect(Math.max(...delays)).toBeGreaterThan(3_600);
    expect(delays.every((d) => d >= 0 && d <= 4_000)).toBe(true);
  });
});
