import type { ProberStallEvent } from '@hopwatch/shared/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { StallMonitor } from './stall-monitor.js';

/** Blocks the event loop, as a long synchronous task inside hopwatch would. */
function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('StallMonitor', () => {
  let monitor: StallMonitor | null = null;
  afterEach(() => monitor?.stop());

  it('publishes prober_stall for a delay above the threshold and marks that time suspect', async () => {
    const stalls: ProberStallEvent[] = [];
    monitor = new StallMonitor({ thresholdMs: 100, resolutionMs: 10, publish: (e) => stalls.push(e) });
    monitor.start();
    await sleep(50);
    const before = Date.now();
    await sleep(30);
    const stallStart = Date.now();
    blockFor(400);
    // a stall still in progress is suspect before the sampler has even run
    expect(monitor.isSuspect(Date.now())).toBe(true);
    await sleep(50);
    expect(stalls).toHaveLength(1);
    const stall = stalls[0]!;
    expect(stall).toMatchObject({ kind: 'prober_stall', target: null, leg: null, thresholdMs: 100 });
    expect(stall.delayMs).toBeGreaterThan(250);
    expect(monitor.isSuspect(stallStart + 200)).toBe(true);
    expect(monitor.isSuspect(before - 20, before)).toBe(false);
    expect(monitor.isSuspect(Date.now())).toBe(false);
  });

  it('subtracts its resolution: an idle loop reads near zero, and no stall is published', async () => {
    const stalls: ProberStallEvent[] = [];
    const samples: number[] = [];
    monitor = new StallMonitor({ thresholdMs: 1_000, resolutionMs: 20, publish: (e) => stalls.push(e) });
    monitor.onDelay((d) => samples.push(d));
    monitor.start();
    await sleep(300);
    expect(samples.length).toBeGreaterThan(3);
    const sorted = [...samples].sort((a, b) => a - b);
    // the median sample is the loop's own jitter, not the 20 ms sampling period
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(20);
    expect(stalls).toEqual([]);
  });

  it('stops sampling after stop()', async () => {
    const samples: number[] = [];
    monitor = new StallMonitor({ thresholdMs: 1_000, resolutionMs: 5 });
    monitor.onDelay((d) => samples.push(d));
    monitor.start();
    await sleep(50);
    monitor.stop();
    const count = samples.length;
    await sleep(50);
    expect(samples.length).toBe(count);
  });
});
