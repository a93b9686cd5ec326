// RTT series on real SQLite files, beyond the Store contract (store.contract.int.test.ts): rollups rebuilt
// after a crash, spread over flushes at 5,000 legs, and the 2,000-point cap over a full day.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { RTT_MAX_POINTS } from '@hopwatch/shared/protocol';
import { summarize } from '@hopwatch/shared/series';
import { describe, expect, it } from 'vitest';
import { RAW_SERIES_MAX_ROWS, ROLLUPS_PER_FLUSH } from './rtt.js';
import { openSqliteStore } from './sqlite-store.js';
import { expectedMinute, MINUTE, rttOf } from './test-support/rtt-pattern.js';
import { countOnDisk, DAY_MS, rtt, useStoreFixtures } from './test-support/store-fixture.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const open = useStoreFixtures();

describe('rttSeries from rollups', () => {
  it('rebuilds rollups a crash left unwritten', async () => {
    let clock = T0;
    const f = open({ now: () => clock, rollupGraceMs: 5_000 });
    for (let i = 0; i < 90; i += 1) f.publish(rtt('api', 'edge', 's', T0 + i * 1_000, rttOf(i)));
    clock = T0 + 90_000;
    f.store.flush();
    // What a crash leaves: the database and its WAL as of the last flush, minutes still in memory lost.
    const crashed = join(f.dir, 'crashed.db');
    copyFileSync(f.path, crashed);
    if (existsSync(`${f.path}-wal`)) copyFileSync(`${f.path}-wal`, `${crashed}-wal`);

    clock = T0 + 10 * MINUTE;
    const store = openSqliteStore(crashed, { retentionMs: 30 * DAY_MS, now: () => clock });
    try {
      await store.prune(T0 + 3 * DAY_MS); // drop raw rows: the answer must come from rebuilt rollups
      const series = await store.rttSeries({ target: 'api', leg: 'edge', from: T0, to: T0 + DAY_MS });
      expect(series.points).toEqual([expectedMinute(T0, T0, 90), expectedMinute(T0 + MINUTE, T0, 90)]);
    } finally {
      await store.close();
    }
  });

  it('serves an old short range from rollups once its raw samples are past the raw window', async () => {
    let clock = T0;
    const f = open({ now: () => clock, rawRetentionMs: DAY_MS, rollupGraceMs: 0 });
    for (let i = 0; i < 120; i += 1) f.publish(rtt('api', 'edge', 's', T0 + i * 1_000, rttOf(i)));
    clock = T0 + 2 * DAY_MS;
    await f.store.prune(clock);
    const series = await f.store.rttSeries({ target: 'api', leg: 'edge', from: T0, to: T0 + 10 * MINUTE });
    expect(series.step).toBe(MINUTE);
    expect(series.points).toEqual([expectedMinute(T0, T0, 120), expectedMinute(T0 + MINUTE, T0, 120)]);
  });
});

describe('rolling up many legs at once', () => {
  it('spreads a minute-end over several flushes and finishes without new samples', async () => {
    let clock = T0;
    const f = open({ now: () => clock, rollupGraceMs: 0 });
    const legs = ROLLUPS_PER_FLUSH + 100;
    for (let leg = 0; leg < legs; leg += 1) f.publish(rtt('api', `leg-${leg}`, 's', T0 + 1_000, leg));
    clock = T0 + 2 * MINUTE;
    f.store.flush();
    expect(countOnDisk(f.path, 'rtt_rollup')).toBe(ROLLUPS_PER_FLUSH);
    await expect.poll(() => countOnDisk(f.path, 'rtt_rollup'), { timeout: 5_000 }).toBe(legs);
  });
});

describe('a full day at one heartbeat a second', () => {
  it('never returns more than 2,000 points, and the points add up to every heartbeat', async () => {
    let clock = T0;
    const f = open({ now: () => clock });
    const count = 86_400;
    for (let i = 0; i < count; i += 1) {
      clock = T0 + i * 1_000;
      f.publish(rtt('api', 'edge', 's', clock, rttOf(i)));
    }
    clock = T0 + DAY_MS;
    const lost = Array.from({ length: count }, (_, i) => rttOf(i)).filter((r) => r === null).length;
    for (const stepMs of [0, 1, 1_000, 45_000, 3_600_000]) {
      for (const [from, to] of [
        [T0, T0 + DAY_MS],
        [T0 + 7_777, T0 + DAY_MS - 1_234],
        [T0, T0 + 16 * 3_600_000],
      ] as const) {
        const series = await f.store.rttSeries({ target: 'api', leg: 'edge', from, to, stepMs });
        expect(series.points.length).toBeLessThanOrEqual(RTT_MAX_POINTS);
        expect(series.points.length).toBeGreaterThan(0);
        if (from === T0 && to === T0 + DAY_MS) {
          expect(series.points.reduce((sum, p) => sum + p.n, 0)).toBe(count - lost);
          expect(series.points.reduce((sum, p) => sum + p.lost, 0)).toBe(lost);
          expect(Math.max(...series.points.map((p) => p.max ?? 0))).toBe(250);
          expect(Math.min(...series.points.map((p) => p.min ?? Number.POSITIVE_INFINITY))).toBe(10);
        }
      }
    }
    // Exact raw buckets while the range is light; rollups once it holds more than RAW_SERIES_MAX_ROWS.
    const hour = await f.store.rttSeries({ target: 'api', leg: 'edge', from: T0, to: T0 + 3_600_000 });
    expect(hour.step).toBe(2_000);
    expect(hour.points[0]).toEqual(
      summarize(
        T0,
        [0, 1].map((i) => ({ ts: T0 + i * 1_000, rttMs: rttOf(i), suspect: false })),
      ),
    );
    const sixHours = (RAW_SERIES_MAX_ROWS / 3_600 + 1) * 3_600_000;
    expect((await f.store.rttSeries({ target: 'api', leg: 'edge', from: T0, to: T0 + sixHours })).step).toBe(
      MINUTE,
    );
    const day = await f.store.rttSeries({ target: 'api', leg: 'edge', from: T0, to: T0 + DAY_MS });
    expect(day.step).toBe(MINUTE);
    expect(day.points).toHaveLength(1_440);
    expect(day.points[100]).toEqual(expectedMinute(T0 + 100 * MINUTE, T0, count));
  });
});
