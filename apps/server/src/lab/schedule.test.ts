import { labScheduleEntrySchema } from '@hopwatch/shared/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabScheduleConfig } from '../config/types.js';
import { DEFAULT_LAB_SCHEDULE, LabSchedule, nextFiring } from './schedule.js';

function scheduled(fields: Partial<LabScheduleConfig>): LabScheduleConfig {
  return {
    hop: 'lb',
    kind: 'reset',
    everyMs: 1_000,
    durationMs: 100,
    offsetMs: 0,
    code: null,
    status: null,
    ageMs: null,
    ...fields,
  };
}

describe('nextFiring', () => {
  it.each([
    { name: 'before the offset', entry: { offsetMs: 500 }, now: 100, next: 500 },
    { name: 'exactly at the offset', entry: { offsetMs: 500 }, now: 500, next: 500 },
    { name: 'just after the offset', entry: { offsetMs: 500 }, now: 501, next: 1_500 },
    { name: 'exactly on a later period', entry: { offsetMs: 500 }, now: 2_500, next: 2_500 },
    { name: 'between periods', entry: { offsetMs: 0, everyMs: 300 }, now: 1_000, next: 1_200 },
    { name: 'a one-shot before it fires', entry: { offsetMs: 200, everyMs: 0 }, now: 100, next: 200 },
    { name: 'a one-shot after it fired', entry: { offsetMs: 200, everyMs: 0 }, now: 201, next: null },
  ])('$name', ({ entry, now, next }) => {
    expect(nextFiring(scheduled(entry), 0, now)).toBe(next);
  });

  it('counts from the schedule start', () => {
    expect(nextFiring(scheduled({ offsetMs: 100, everyMs: 1_000 }), 10_000, 10_050)).toBe(10_100);
  });
});

describe('LabSchedule', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires each entry at its offset, then every period, and reports when next', () => {
    const fired: string[] = [];
    const schedule = new LabSchedule(
      [
        scheduled({ kind: 'reset', offsetMs: 100, everyMs: 1_000 }),
        scheduled({ kind: 'stall', offsetMs: 250, everyMs: 500 }),
      ],
      (entry) => fired.push(`${entry.kind}@${Date.now() - 1_000_000}`),
    );
    expect(schedule.entries().map((e) => e.nextAt)).toEqual([1_000_100, 1_000_250]);
    vi.advanceTimersByTime(1_300);
    expect(fired).toEqual(['reset@100', 'stall@250', 'stall@750', 'reset@1100', 'stall@1250']);
    expect(schedule.entries().map((e) => e.nextAt)).toEqual([1_002_100, 1_001_750]);
    schedule.close();
  });

  it('fires a one-shot entry once', () => {
    let count = 0;
    const schedule = new LabSchedule([scheduled({ offsetMs: 10, everyMs: 0 })], () => {
      count += 1;
    });
    vi.advanceTimersByTime(10_000);
    expect(count).toBe(1);
    expect(schedule.entries()[0]?.nextAt).toBeNull();
    schedule.close();
  });

  it('waits out periods longer than a timer can hold', () => {
    let count = 0;
    const month = 30 * 86_400_000;
    const schedule = new LabSchedule([scheduled({ offsetMs: month, everyMs: month })], () => {
      count += 1;
    });
    vi.advanceTimersByTime(month - 1);
    expect(count).toBe(0);
    vi.advanceTimersByTime(1);
    expect(count).toBe(1);
    schedule.close();
  });

  it('fires nothing after close and leaves no timers', () => {
    let count = 0;
    const schedule = new LabSchedule([scheduled({ offsetMs: 100 })], () => {
      count += 1;
    });
    schedule.close();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5_000);
    expect(count).toBe(0);
    expect(schedule.entries()[0]?.nextAt).toBeNull();
  });

  it('an empty schedule does nothing', () => {
    const schedule = new LabSchedule([], () => {
      throw new Error('must not fire');
    });
    vi.advanceTimersByTime(60_000);
    expect(schedule.entries()).toEqual([]);
  });
});

describe('DEFAULT_LAB_SCHEDULE', () => {
  it('has valid entries, each faulting a hop for less than its period or continuously', () => {
    const schedule = new LabSchedule(DEFAULT_LAB_SCHEDULE, () => {});
    for (const entry of schedule.entries()) expect(labScheduleEntrySchema.parse(entry)).toEqual(entry);
    schedule.close();
    for (const entry of DEFAULT_LAB_SCHEDULE) {
      expect(entry.durationMs).toBeGreaterThan(0);
      expect(entry.durationMs).toBeLessThanOrEqual(entry.everyMs);
    }
  });

  it('caps edge sessions at 100 s from the start, and the first other incident comes within two minutes', () => {
    const cap = DEFAULT_LAB_SCHEDULE.find((entry) => entry.kind === 'cap');
    expect(cap).toMatchObject({ hop: 'edge', ageMs: 100_000, offsetMs: 0 });
    const firsts = DEFAULT_LAB_SCHEDULE.filter((entry) => entry.kind !== 'cap').map(
      (entry) => entry.offsetMs,
    );
    expect(Math.min(...firsts)).toBeLessThanOrEqual(120_000);
  });
});
