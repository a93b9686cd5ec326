import { EVIDENCE_MAX_POINTS } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import { snapWindow } from './evidence-source.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('snapWindow', () => {
  it.each<
    [string, { from: number; to: number; stepMs?: number }, { from: number; to: number; stepMs: number }]
  >([
    [
      'a short range gets the 1s minimum step',
      { from: 1_500, to: 61_200 },
      { from: 1_000, to: 62_000, stepMs: 1_000 },
    ],
    ['an hour', { from: 0, to: HOUR }, { from: 0, to: HOUR, stepMs: 2_000 }],
    [
      'a coarser step asked for is kept, in whole seconds',
      { from: 0, to: HOUR, stepMs: 14_500 },
      { from: 0, to: HOUR, stepMs: 15_000 },
    ],
    [
      'a step too fine for the range is widened',
      { from: 0, to: DAY, stepMs: 1_000 },
      { from: 0, to: 86_416_000, stepMs: 44_000 },
    ],
  ])('%s', (_name, window, snapped) => {
    expect(snapWindow(window)).toEqual(snapped);
  });

  it.each([HOUR, DAY, 7 * DAY, 400 * DAY, 1_999_000, 1_997_001])(
    'never needs more than the cap for %i ms',
    (range) => {
      for (const offset of [0, 1, 999, 123_457]) {
        const { from, to, stepMs } = snapWindow({ from: offset, to: offset + range });
        expect((to - from) / stepMs + 1).toBeLessThanOrEqual(EVIDENCE_MAX_POINTS);
        expect(from).toBeLessThanOrEqual(offset);
        expect(to).toBeGreaterThanOrEqual(offset + range);
      }
    },
  );
});
