// The stall monitor on a staged clock: fake timers run its sampler on schedule, and a block is time that passes
// on the clock it reads while no timer runs, so every delay is exact. One case meets a real blocked loop.
import type { ProberStallEvent } from '@hopwatch/shared/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type StallClock, StallMonitor } from './stall-monitor.js';

const EPOCH = 1_700_000_000_000;
const THRESHOLD_MS = 100;
const RESOLUTION_MS = 10;

/** every monitor a case started, stopped after it */
const started: StallMonitor[] = [];

/**
 * A started monitor on a staged clock: fake time (moved by `vi.advanceTimersByTime`, which fires the sampler
 * when due) plus the time hopwatch spent blocked, during which no timer fired.
 */
function stage(options: { resolutionMs?: number } = {}) {
  let blockedMs = 0;
  const clock: StallClock = {
    monotonicMs: () => Date.now() - EPOCH + blockedMs,
    wallMs: () => Date.now() + blockedMs,
  };
  const stalls: ProberStallEvent[] = [];
  const samples: number[] = [];
  const monitor = new StallMonitor({
    thresholdMs: THRESHOLD_MS,
    resolutionMs: options.resolutionMs ?? RESOLUTION_MS,
    publish: (event) => stalls.push(event),
    clock,
  });
  monitor.onDelay((delayMs) => samples.push(delayMs));
  started.push(monitor);
  monitor.start();
  return {
    monitor,
    stalls,
    samples,
    wallMs: clock.wallMs,
    /** a synchronous stretch of `ms`: the clock moves, no timer fires */
    block: (ms: number) => {
      blockedMs += ms;
    },
  };
}

describe('StallMonitor on a staged clock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(EPOCH);
  });
  afterEach(() => {
    for (const monitor of started.splice(0)) monitor.stop();
    vi.useRealTimers();
  });

  it('an idle loop reads zero: each sample has the sampling period subtracted, and no stall is published', () => {
    const { stalls, samples } = stage();
    vi.advanceTimersByTime(RESOLUTION_MS * 10);
    expect(samples).toEqual(Array(10).fill(0));
    expect(stalls).toEqual([]);
  });

  it.each([
    { blockMs: 50, stall: false },
    { blockMs: THRESHOLD_MS, stall: false },
    { blockMs: THRESHOLD_MS + 1, stall: true },
    { blockMs: 400, stall: true },
  ])('a $blockMs ms block is sampled as a $blockMs ms delay; a stall: $stall', ({ blockMs, stall }) => {
    const { stalls, samples, block } = stage();
    vi.advanceTimersByTime(RESOLUTION_MS);
    block(blockMs);
    vi.advanceTimersByTime(RESOLUTION_MS * 2);
    expect(samples).toEqual([0, blockMs, 0]);
    expect(stalls).toHaveLength(stall ? 1 : 0);
  });

  it('publishes prober_stall with the delay and the time it ended, and marks just that span suspect', () => {
    const { monitor, stalls, block, wallMs } = stage();
    vi.advanceTimersByTime(RESOLUTION_MS);
    const blockedAt = wallMs();
    block(400);
    vi.advanceTimersByTime(RESOLUTION_MS);
    const sampledAt = wallMs();
    expect(stalls).toEqual([
      {
        kind: 'prober_stall',
        ts: sampledAt,
        target: null,
        leg: null,
        delayMs: 400,
        thresholdMs: THRESHOLD_MS,
      },
    ]);
    expect(monitor.isSuspect(blockedAt - 50, blockedAt)).toBe(false);
    expect(monitor.isSuspect(blockedAt + 200)).toBe(true);
    expect(monitor.isSuspect(blockedAt - 50, blockedAt + 200)).toBe(true);
    expect(monitor.isSuspect(sampledAt)).toBe(true);
    vi.advanceTimersByTime(RESOLUTION_MS);
    expect(monitor.isSuspect(wallMs())).toBe(false);
    expect(stalls).toHaveLength(1);
  });

  it('a stall still in progress is suspect before the sampler has run; a block under the threshold is not', () => {
    const { monitor, stalls, block, wallMs } = stage();
    vi.advanceTimersByTime(RESOLUTION_MS);
    const blockedAt = wallMs();
    block(50);
    expect(monitor.isSuspect(wallMs())).toBe(false);
    block(350);
    expect(stalls).toEqual([]);
    expect(monitor.isSuspect(wallMs())).toBe(true);
    expect(monitor.isSuspect(blockedAt - 50, blockedAt)).toBe(false);
  });

  it('forgets a stall once it is past the retention window (15 min), keeping the newer one', () => {
    const { monitor, stalls, block, wallMs } = stage({ resolutionMs: 1_000 });
    block(400);
    vi.advanceTimersByTime(1_000);
    const first = wallMs();
    vi.advanceTimersByTime(6 * 60_000);
    block(400);
    vi.advanceTimersByTime(1_000);
    const second = wallMs();
    expect(monitor.isSuspect(first)).toBe(true);
    vi.advanceTimersByTime(10 * 60_000);
    block(400);
    vi.advanceTimersByTime(1_000);
    expect(stalls).toHaveLength(3);
    expect(monitor.isSuspect(first)).toBe(false);
    expect(monitor.isSuspect(second)).toBe(true);
  });

  it('runs one sampler however often started; stop() ends it and a gap while stopped is no stall', () => {
    const { monitor, stalls, samples, block, wallMs } = stage();
    monitor.start();
    vi.advanceTimersByTime(RESOLUTION_MS * 3);
    expect(samples).toEqual([0, 0, 0]);
    monitor.stop();
    expect(vi.getTimerCount()).toBe(0);
    block(400);
    // stopped, it watches nothing: no stall in progress, none recorded
    expect(monitor.isSuspect(wallMs())).toBe(false);
    vi.advanceTimersByTime(RESOLUTION_MS * 3);
    expect(samples).toHaveLength(3);
    monitor.start();
    vi.advanceTimersByTime(RESOLUTION_MS);
    expect(samples).toEqual([0, 0, 0, 0]);
    expect(stalls).toEqual([]);
  });
});

describe('StallMonitor on the real clock', () => {
  let monitor: StallMonitor | null = null;
  afterEach(() => monitor?.stop());

  it('a blocked event loop is published as a stall that covers the block', async () => {
    const stalls: ProberStallEvent[] = [];
    monitor = new StallMonitor({ thresholdMs: 50, resolutionMs: 10, publish: (event) => stalls.push(event) });
    monitor.start();
    // Block the loop, as a long synchronous task inside hopwatch would, until the monitor itself sees the
    // stall in progress: the block lasts exactly as long as it takes, however noisy the machine.
    const deadline = Date.now() + 10_000;
    while (!monitor.isSuspect(Date.now())) {
      if (Date.now() > deadline) throw new Error('the monitor never saw the blocked loop as stalled');
    }
    const blockedUntil = Date.now();
    await vi.waitFor(
      () => {
        const covering = stalls.find((s) => s.ts >= blockedUntil && s.ts - s.delayMs <= blockedUntil);
        expect(covering, 'a published prober_stall covering the block').toMatchObject({
          kind: 'prober_stall',
          thresholdMs: 50,
        });
      },
      { timeout: 10_000, interval: 10 },
    );
    monitor.stop();
    // stopped, only what was recorded speaks
    expect(monitor.isSuspect(blockedUntil)).toBe(true);
  });
});
