import { describe, expect, it } from 'vitest';
import {
  clusterDrops,
  clusterDueAt,
  FINAL_WITHIN_WINDOWS,
  joinsCluster,
  judgedWindow,
  MAX_SPAN_WINDOWS,
  reportedWindow,
} from './cluster.js';

const W = 25_000;
const at = (...times: number[]) => times.map((closedAt) => ({ closedAt }));
const times = (clusters: { closedAt: number }[][]) => clusters.map((c) => c.map((d) => d.closedAt));

describe('clusterDrops', () => {
  it.each<[string, number[], number[][]]>([
    ['no drops, no clusters', [], []],
    ['one drop is a cluster', [1_000], [[1_000]]],
    ['drops within the window of each other form one cluster', [0, 10_000, 24_000], [[0, 10_000, 24_000]]],
    ['exactly one window apart still joins', [0, W], [[0, W]]],
    ['more than a window apart splits', [0, W + 1], [[0], [W + 1]]],
    [
      'chains no further than one window from the first drop, so its verdict is final within two',
      [0, 20_000, 40_000, 60_000],
      [
        [0, 20_000],
        [40_000, 60_000],
      ],
    ],
    ['order of arrival does not matter', [20_000, 0, 10_000], [[0, 10_000, 20_000]]],
  ])('%s', (_name, input, expected) => {
    expect(times(clusterDrops(at(...input), W))).toEqual(expected);
  });

  it(`a leg flapping forever still gets verdicts: a cluster spans at most ${MAX_SPAN_WINDOWS} windows`, () => {
    // seed 003: sessions cycling every 15-35s against a 25s window chain indefinitely
    const flapping = Array.from({ length: 30 }, (_, i) => i * 20_000);
    const clusters = clusterDrops(at(...flapping), W);
    expect(clusters.length).toBeGreaterThan(1);
    for (const cluster of clusters) {
      expect(cluster[cluster.length - 1]!.closedAt - cluster[0]!.closedAt).toBeLessThanOrEqual(
        MAX_SPAN_WINDOWS * W,
      );
    }
    expect(clusters.flat()).toHaveLength(30);
  });
});

describe('joinsCluster', () => {
  it.each<[string, number, boolean]>([
    ['a drop inside the cluster', 5_000, true],
    ['a late drop within one window of the first', W, true],
    ['a drop just before the first, within the span', 10_000 - W, true],
    ['past one window from the first, though within the window after the last', W + 1, false],
    ['before the window', -W - 1, false],
  ])('%s', (_name, drop, joins) => {
    expect(joinsCluster({ firstAt: 0, lastAt: 10_000 }, drop, W)).toBe(joins);
  });

  it('refuses a drop that would stretch the cluster past its maximum span', () => {
    const span = { firstAt: 0, lastAt: MAX_SPAN_WINDOWS * W - 1_000 };
    expect(joinsCluster(span, MAX_SPAN_WINDOWS * W, W)).toBe(true);
    expect(joinsCluster(span, MAX_SPAN_WINDOWS * W + 1, W)).toBe(false);
  });
});

describe('windows', () => {
  it.each<[string, { firstAt: number; lastAt: number }, number]>([
    ['one window after its latest drop', { firstAt: 100, lastAt: 5_000 }, 5_000 + W],
    ['a lone drop: one window after it', { firstAt: 100, lastAt: 100 }, 100 + W],
    ['never later than two windows after its first drop', { firstAt: 0, lastAt: W + 9_000 }, 2 * W],
  ])('a cluster is due %s', (_name, span, due) => {
    expect(clusterDueAt(span, W)).toBe(due);
    expect(clusterDueAt(span, W)).toBeLessThanOrEqual(span.firstAt + FINAL_WITHIN_WINDOWS * W);
  });

  it('a cluster is judged over one window either side', () => {
    expect(judgedWindow({ firstAt: 100_000, lastAt: 110_000 }, W)).toEqual({ from: 75_000, to: 135_000 });
  });

  it.each<[string, number, number, { from: number; to: number }]>([
    ['a report from the past: one window either side', 100_000, 500_000, { from: 75_000, to: 125_000 }],
    ['a report of just now: cut at now', 100_000, 110_000, { from: 75_000, to: 110_000 }],
    ['a report from the future judges nothing', 100_000, 50_000, { from: 75_000, to: 75_000 }],
  ])('%s', (_name, report, now, window) => {
    expect(reportedWindow(report, W, now)).toEqual(window);
  });
});
