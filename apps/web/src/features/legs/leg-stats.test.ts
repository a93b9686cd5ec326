import type { RttPoint } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import { type LegStrip, legWindowStats } from './leg-stats';

type TimelineShape = LegStrip & { knownFrom: number };

const rtt = (t: number, n: number, p50: number, p99: number, lost = 0): RttPoint => ({
  t,
  n,
  min: p50,
  p50,
  p99,
  max: p99,
  lost,
  suspect: 0,
});

describe('legWindowStats', () => {
  it.each<[string, TimelineShape, number | null]>([
    [
      'up three quarters of the window',
      {
        segments: [
          { from: 0, to: 75, state: 'up' },
          { from: 75, to: 100, state: 'down' },
        ],
        drops: [],
        knownFrom: 0,
      },
      0.75,
    ],
    [
      'the unknown part does not count against uptime',
      {
        segments: [
          { from: 0, to: 50, state: 'unknown' },
          { from: 50, to: 100, state: 'up' },
        ],
        drops: [],
        knownFrom: 50,
      },
      1,
    ],
    [
      'nothing known',
      { segments: [{ from: 0, to: 100, state: 'unknown' }], drops: [], knownFrom: 100 },
      null,
    ],
  ])('%s', (_name, shape, ratio) => {
    expect(legWindowStats(shape, [], 100).uptimeRatio).toBe(ratio);
  });

  it('counts drops and remembers the newest', () => {
    const shape: TimelineShape = {
      segments: [{ from: 0, to: 100, state: 'up' }],
      drops: [{ at: 20 }, { at: 60 }],
      knownFrom: 0,
    };
    expect(legWindowStats(shape, [], 100)).toMatchObject({ drops: 2, lastDropAt: 60 });
  });

  it("counts established sessions lost, not a down leg's failed retries", () => {
    const shape = {
      segments: [{ from: 0, to: 100, state: 'down' }],
      drops: [{ at: 20 }, { at: 30, attempt: true }, { at: 40, attempt: true }, { at: 70, attempt: true }],
    };
    expect(legWindowStats(shape, [], 100)).toMatchObject({ drops: 1, lastDropAt: 20 });
  });

  it('summarises RTT over the window: weighted median, worst p99, lost heartbeats', () => {
    const stats = legWindowStats(
      { segments: [], drops: [] },
      [rtt(0, 10, 2, 5), rtt(10, 1, 50, 90, 2), rtt(20, 10, 3, 7)],
      100,
    );
    expect(stats).toMatchObject({ rttP50Ms: 3, rttP99Ms: 90, lostHeartbeats: 2 });
  });

  it('has no RTT without samples', () => {
    expect(legWindowStats({ segments: [], drops: [] }, [], 100)).toMatchObject({
      rttP50Ms: null,
      rttP99Ms: null,
      lostHeartbeats: 0,
    });
  });
});
