import { describe, expect, it } from 'vitest';
import { PRUNE_STEP_ROWS, type PruneTask, retentionCutoffs, runPruneTasks } from './retention.js';

const DAY = 86_400_000;

describe('retentionCutoffs', () => {
  it.each([
    ['raw window shorter than retention', 30 * DAY, 2 * DAY, { full: 100 * DAY - 30 * DAY, raw: 98 * DAY }],
    ['raw window longer than retention is capped by it', DAY, 2 * DAY, { full: 99 * DAY, raw: 99 * DAY }],
  ])('%s', (_name, retentionMs, rawRetentionMs, expected) => {
    expect(retentionCutoffs(100 * DAY, { retentionMs, rawRetentionMs })).toEqual(expected);
  });
});

/** A table of `rows` rows that deletes up to its limit per call, recording each call's limit. */
function table(rows: number, calls: number[]): PruneTask {
  let left = rows;
  return (limit) => {
    calls.push(limit);
    const deleted = Math.min(left, limit);
    left -= deleted;
    return deleted;
  };
}

describe('runPruneTasks', () => {
  it.each<[string, number[], number, { deleted: number; done: boolean }, number[][]]>([
    [
      'nothing to delete',
      [0, 0],
      Number.POSITIVE_INFINITY,
      { deleted: 0, done: true },
      [[PRUNE_STEP_ROWS], [PRUNE_STEP_ROWS]],
    ],
    [
      'everything, in steps of at most PRUNE_STEP_ROWS',
      [PRUNE_STEP_ROWS + 3, 2],
      Number.POSITIVE_INFINITY,
      { deleted: PRUNE_STEP_ROWS + 5, done: true },
      [[PRUNE_STEP_ROWS, PRUNE_STEP_ROWS], [PRUNE_STEP_ROWS]],
    ],
    ['stops at the row budget', [10, 10], 15, { deleted: 15, done: false }, [[15], [5]]],
    ['a budget spent exactly is not known to be done', [10, 0], 10, { deleted: 10, done: false }, [[10], []]],
  ])('%s', (_name, sizes, maxRows, expected, expectedCalls) => {
    const calls = sizes.map(() => [] as number[]);
    const tasks = sizes.map((rows, i) => table(rows, calls[i] ?? []));
    expect(runPruneTasks(tasks, maxRows)).toEqual(expected);
    expect(calls).toEqual(expectedCalls);
  });
});
