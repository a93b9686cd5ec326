import { describe, expect, it } from 'vitest';
import { batchInterval, DEFAULT_BATCH_PACING } from './pacing.js';

describe('batchInterval', () => {
  it.each([
    { batchMs: 0, interval: 10, why: 'a batch that cost nothing: the minimum' },
    { batchMs: 0.2, interval: 10, why: 'a few dashboards: the minimum' },
    { batchMs: 5, interval: 10, why: 'half the minimum: exactly the minimum' },
    { batchMs: 8, interval: 16, why: 'a thousand dashboards: twice the batch, half the loop free' },
    { batchMs: 12.5, interval: 25, why: 'at the maximum' },
    { batchMs: 40, interval: 25, why: 'a slow batch: the maximum, never longer' },
    { batchMs: Number.NaN, interval: 10, why: 'an unmeasured batch: the minimum' },
    { batchMs: -3, interval: 10, why: 'a clock that stepped back: the minimum' },
  ])('$batchMs ms → $interval ms ($why)', ({ batchMs, interval }) => {
    expect(batchInterval(batchMs, DEFAULT_BATCH_PACING)).toBe(interval);
  });

  it('keeps the minimum when the bounds are given the wrong way round', () => {
    expect(batchInterval(30, { minIntervalMs: 20, maxIntervalMs: 5 })).toBe(20);
  });
});
