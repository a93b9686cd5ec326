import { describe, expect, it } from 'vitest';
import { heartbeatSlot, nextHeartbeatAt } from './heartbeat-slot.js';

describe('nextHeartbeatAt', () => {
  it.each([
    // now, interval, slot, next
    [0, 1000, 0, 1000],
    [999, 1000, 0, 1000],
    [1000, 1000, 0, 2000],
    [0, 1000, 0.37, 370],
    [369, 1000, 0.37, 370],
    [370, 1000, 0.37, 1370],
    [1_700_000_000_123, 1000, 0.5, 1_700_000_000_500],
    [1_700_000_000_500, 1000, 0.5, 1_700_000_001_500],
    [1_700_000_000_501, 10_000, 0.25, 1_700_000_002_500],
    [5, 7, 0.999, 6],
  ])('at %d with interval %d and slot %d: %d', (now, interval, slot, next) => {
    expect(nextHeartbeatAt(now, interval, slot)).toBe(next);
  });

  it('is always after now and at most one interval away', () => {
    for (let now = 0; now < 5000; now += 37) {
      const next = nextHeartbeatAt(now, 1000, 0.42);
      expect(next).toBeGreaterThan(now);
      expect(next - now).toBeLessThanOrEqual(1000);
      expect((next - 420) % 1000).toBe(0);
    }
  });
});

describe('heartbeatSlot', () => {
  it('is stable for a key and in [0, 1)', () => {
    for (const key of ['lab\u0000edge', 'lab\u0000lb', 't3\u0000cloudflare', '']) {
      const slot = heartbeatSlot(key);
      expect(slot).toBe(heartbeatSlot(key));
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(slot).toBeLessThan(1);
    }
  });

  it('spreads 10,000 legs evenly: every tenth of the interval holds about a tenth of them', () => {
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(heartbeatSlot(`bench\u0000l${i}`) * 10)] += 1;
    for (const count of buckets) {
      expect(count).toBeGreaterThan(800);
      expect(count).toBeLessThan(1200);
    }
  });
});
