// RTT series on real SQLite files: exact raw buckets, rollups that match the exact per-minute statistics
// (also across restarts, crashes and late samples), and the 2,000-point cap over a full day.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { RTT_MAX_POINTS, type RttPoint } from '@hopwatch/shared/protocol';
import { summarize } from '@hopwatch/shared/series';
import { describe, expect, it } from 'vitest';
import { RAW_SERIES_MAX_ROWS, ROLLUPS_PER_FLUSH } from './rtt.js';
import { openSqliteStore } from './sqlite-store.js';
import { countOnDisk, DAY_MS, rtt, useStoreFixtures } from './test-support/store-fixture.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const MINUTE = 60_000;
const open = useStoreFixtures();

/** A deterministic RTT for heartbeat i: mostly 10-19 ms, every 97th 250 ms, every 50th lost. */
function rttOf(i: number): number | null {
  if (i % 50 === 49) return null;
  return i % 97 === 0 ? 250 : 10 + (i % 10);
}

function expectedMinute(minute: number, from: number, count: number): RttPoint {
  const samples = [];
  for (let i = 0; i < count; i += 1) {
    const ts = from + i * 1_000;
    if (ts >= minute && ts < minute + MINUTE) samples.push({ ts, rttMs: rttOf(i), suspect: false });
  }
  return summarize(minute, samples);
}

describe('rttSeries from raw samples', () => {
  it('gives exact statistics per bucket for a short range', async () => {
    const f = open({ now: () => T0 + 10 * MINUTE });
    f.publish(
      rtt('api', 'edge', 's', T0 + 100, 30),
      rtt('api', 'edge', 's', T0 + 900, 10),
      rtt('api', 'edge', 's', T0 + 1_500, null),
      rtt('api', 'edge', 's', T0 + 1_600, 20, { suspect: true }),
      rtt('api', 'edge', 's', T0 + 5_000, 40),
      rtt('api', 'other', 's', T0 + 100, 999),
    );
    const series = await f.store.rttSeries({ target: 'api', leg: 'edge', from: T0, to: T0 + 10 * MINUTE });
    expect(series.step).toBe(500);
    expect(series.points).toEqual([
      { t: T0, n: 1, min: 30, p50: 30, p99: 30, max: 30, lost: 0, suspect: 0 },
      { t: T0 + 500, n: 1, min: 10, p50: 10, p99: 10, max: 10, lost: 0, suspect: 0 },
      { t: T0 + 1_500, n: 1, min: 20, p50: 20, p99: 20, max: 20, lost: 1, suspect: 1 },
      { t: T0 + 5_000, n: 1, min: 40, p50: 40, p99: 40, max: 40, lost: 0, suspect: 0 },
    ]);
    const coarse = await f.store.rttSeries({
      target: 'api',
      leg: 'edge',
      from: T0,
      to: T0 + 10 * MINUTE,
      stepMs: 10_000,
    });
    expect(coarse).toEqual({
      step: 10_000,
      points: [{ t: T0, n: 4, min: 10, p50: 20, p99: 40, max: 40, lost: 1, suspect: 1 }],
    });
  });

  it('serves raw samples with their session and heartbeat seq', async () => {
    const f = open({ now: () => T0 });
    f.publish(rtt('api', 'edge', 's1', T0, 5, { seq: 7 }), rtt('api', 'lb', 's2', T0 + 1, 6, { seq: 8 }));
    expect(await f.store.rttSamples({ target: 'api', from: T0, to: T0 + 2 })).toEqual([
      { target: 'api', leg: 'edge', sessionId: 's1', ts: T0, seq: 7, rttMs: 5, suspect: false },
      { target: 'api', leg: 'lb', sessionId: 's2', ts: T0 + 1, seq: 8, rttMs: 6, suspect: false },
    ]);
    expect(await f.store.rttSamples({ target: 'api', leg: 'lb', from: T0, to: T0 + 2 })).toHaveLength(1);
    expect(await f.store.rttSamples({ target: 'api', leg: 'gone', from: T0, to: T0 + 2 })).toEqual([]);
  });
});

describe('rttSeries from rollups', () => {
  it('rolls finished minutes up exactly and summarizes the minute in progress from raw rows', async () => {
    let clock = T0;
    const f = open({ now: () => clock, rollupGraceMs: 5_000 });
    const count = 150; // 2.5 minutes at 1 s
    for (let i = 0; i < count; i += 1) {
      clock = T0 + i * 1_000;
      f.publish(rtt('api', 'edge', 's', clock, rttOf(i)));
      f.store.flush();
    }
    const expected = [0, 1, 2].map((m) => expectedMinute(T0 + m * MINUTE, T0, count));
    const day = { target: 'api', leg: 'edge', from: clock - DAY_MS + 1, to: clock + 1 };
    // Minute 0 is rolled up, minute 1 waits for its grace period, minute 2 is in progress.
    expect(await f.store.rttSeries(day)).toEqual({ step: MINUTE, points: expected });

    clock += 10 * MINUTE;
    f.store.flush();
    expect(await f.store.rttSeries(day)).toEqual({ step: MINUTE, points: expected });
    // With the raw samples gone, the same answer must come from the rollup rows alone.
    await f.store.prune(clock + 3 * DAY_MS);
    clock = T0 + 3 * MINUTE;
    expect(await f.store.rttSamples({ target: 'api', from: 0, to: clock })).toEqual([]);
    expect(await f.store.rttSeries(day)).toEqual({ step: MINUTE, points: expected });
  });

  it('keeps a minute exact when hopwatch restarts in the middle of it', async () => {
    let clock = T0;
    const f = open({ now: () => clock, rollupGraceMs: 5_000 });
    for (let i = 0; i < 30; i += 1) f.publish(rtt('api', 'edge', 's', T0 + i * 1_000, rttOf(i)));
    clock = T0 + 30_000;
    await f.reopen();
    for (let i = 30; i < 90; i += 1) f.publish(rtt('api', 'edge', 's2', T0 + i * 1_000, rttOf(i)));
    clock = T0 + 3 * MINUTE;
    f.store.flush();
    await f.store.prune(T0 + 3 * DAY_MS); // rollups only from here on
    const series = await f.store.rttSeries({ target: 'api', leg: 'edge', from: T0, to: T0 + DAY_MS });
    expect(series.points).toEqual([expectedMinute(T0, T0, 90), expectedMinute(T0 + MINUTE, T0, 90)]);
  });

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

  it('recomputes a minute that gets a late sample after it was rolled up', async () => {
    let clock = T0;
    const f = open({ now: () => clock, rollupGraceMs: 5_000 });
    f.publish(rtt('api', 'edge', 's', T0 + 1_000, 10), rtt('api', 'edge', 's', T0 + 2_000, 20));
    clock = T0 + 2 * MINUTE;
    f.store.flush();
    f.publish(rtt('api', 'edge', 's', T0 + 3_000, null));
    clock = T0 + 4 * MINUTE;
    f.store.flush();
    await f.store.prune(T0 + 3 * DAY_MS);
    expect(
      (await f.store.rttSeries({ target: 'api', leg: 'edge', from: T0, to: T0 + DAY_MS })).points,
    ).toEqual([{ t: T0, n: 2, min: 10, p50: 10, p99: 20, max: 20, lost: 1, suspect: 0 }]);
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
