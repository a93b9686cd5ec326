// Background pruning against a real store: it deletes old rows in steps and releases its timers.
import { afterEach, describe, expect, it } from 'vitest';
import { startPruning } from './retention.js';
import { createStoreFixture, DAY_MS, rtt, type StoreFixture } from './test-support/store-fixture.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
let fixture: StoreFixture | null = null;
let stop: (() => void) | null = null;

afterEach(async () => {
  stop?.();
  stop = null;
  await fixture?.remove();
  fixture = null;
});

describe('startPruning', () => {
  it('prunes at start in small steps, keeping what is inside the retention', async () => {
    let clock = T0;
    fixture = createStoreFixture({ now: () => clock, retentionMs: DAY_MS, rawRetentionMs: DAY_MS });
    const f = fixture;
    // A minute apart: each its own chunk, rollup and event-log row, so there are rows to step through.
    for (let i = 0; i < 400; i += 1) f.publish(rtt('api', 'edge', 's', T0 + i * 60_000, 5));
    clock = T0 + 3 * DAY_MS;
    f.publish(rtt('api', 'edge', 's', clock, 6));
    const deletedPerStep: number[] = [];
    const store = {
      async prune(now: number, maxRows?: number) {
        const result = await f.store.prune(now, maxRows);
        deletedPerStep.push(result.deleted);
        return result;
      },
    };
    stop = startPruning(store, { now: () => clock, stepRows: 50, intervalMs: 3_600_000 });
    // 800 rows and more (an event-log row, a rollup and a chunk per minute) at 50 a step: a deadline, not a budget.
    await expect
      .poll(async () => (await f.store.rttSamples({ target: 'api', from: 0, to: clock + 1 })).length, {
        timeout: 30_000,
      })
      .toBe(1);
    expect(deletedPerStep.length).toBeGreaterThan(10);
    expect(Math.max(...deletedPerStep)).toBeLessThanOrEqual(50);
    expect((await f.store.after(0, 10)).map((e) => e.event.ts)).toEqual([clock]);
  });

  it('reports a failing prune instead of throwing, and stops cleanly', async () => {
    const errors: unknown[] = [];
    const store = {
      async prune(): Promise<never> {
        throw new Error('disk on fire');
      },
    };
    stop = startPruning(store, { onError: (error) => errors.push(error) });
    await expect.poll(() => errors.length).toBe(1);
    expect(String(errors[0])).toMatch(/disk on fire/);
  });
});
