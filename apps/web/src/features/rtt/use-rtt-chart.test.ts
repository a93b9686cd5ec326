import type { RttResponse } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import { takesSeries } from './use-rtt-chart';

const older: RttResponse = { step: 1_000, points: [] };
const newer: RttResponse = { step: 1_000, points: [] };

describe('takesSeries', () => {
  it.each([
    {
      name: 'live: a heartbeat between ticks waits for the next tick',
      taken: older,
      tick: 5,
      now: 5,
      series: newer,
      takes: false,
    },
    {
      name: 'live: the next tick takes up the newest series',
      taken: older,
      tick: 5,
      now: 6,
      series: newer,
      takes: true,
    },
    {
      name: 'live: a tick records itself even when the series is unchanged',
      taken: older,
      tick: 5,
      now: 6,
      series: older,
      takes: true,
    },
    {
      name: 'live: the first series is drawn at once, not a tick later',
      taken: undefined,
      tick: 5,
      now: 5,
      series: newer,
      takes: true,
    },
    { name: 'live: nothing new, nothing to do', taken: older, tick: 5, now: 5, series: older, takes: false },
    {
      name: 'fixed window: a refetched series is drawn at once',
      taken: older,
      tick: null,
      now: null,
      series: newer,
      takes: true,
    },
    {
      name: 'fixed window: the same series is not taken again',
      taken: older,
      tick: null,
      now: null,
      series: older,
      takes: false,
    },
    {
      name: 'a live window fixed in the past takes up what it has',
      taken: older,
      tick: 5,
      now: null,
      series: older,
      takes: true,
    },
  ])('$name', ({ taken, tick, now, series, takes }) => {
    expect(takesSeries({ series: taken, tick }, series, now)).toBe(takes);
  });
});
