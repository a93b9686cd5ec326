import { describe, expect, it } from 'vitest';
import { timeScale, timeTicks } from './time-scale';

describe('timeScale', () => {
  const scale = timeScale(1_000, 11_000, 500);
  it.each([
    [1_000, 0],
    [6_000, 250],
    [11_000, 500],
    [0, -50],
  ])('t %d → x %d', (t, x) => {
    expect(scale.x(t)).toBe(x);
  });
  it('inverts', () => {
    expect(scale.t(250)).toBe(6_000);
  });
  it('survives an empty window and zero width', () => {
    const empty = timeScale(5, 5, 0);
    expect(Number.isFinite(empty.x(10))).toBe(true);
    expect(Number.isFinite(empty.t(10))).toBe(true);
  });
});

describe('timeTicks', () => {
  const local = (h: number, m = 0, s = 0, day = 2) => new Date(2025, 0, day, h, m, s).getTime();

  it.each<[string, number, number, number, string[]]>([
    [
      '15 minutes in 2-minute steps',
      local(10, 0, 30),
      local(10, 15, 30),
      8,
      ['10:02', '10:04', '10:06', '10:08', '10:10', '10:12', '10:14'],
    ],
    [
      'an hour in 10-minute steps',
      local(9, 55),
      local(10, 55),
      6,
      ['10:00', '10:10', '10:20', '10:30', '10:40', '10:50'],
    ],
    [
      'a minute needs seconds',
      local(10, 0, 0),
      local(10, 1, 0),
      4,
      ['10:00:00', '10:00:15', '10:00:30', '10:00:45', '10:01:00'],
    ],
    [
      'crossing midnight names the new day',
      local(22),
      local(2, 0, 0, 3),
      3,
      ['22:00', '2025-01-03 00:00', '02:00'],
    ],
  ])('%s', (_name, from, to, max, labels) => {
    const ticks = timeTicks(from, to, max);
    expect(ticks.length).toBeLessThanOrEqual(max + 1);
    expect(ticks.map((t) => t.label)).toEqual(labels);
  });

  it('returns nothing for an empty window', () => {
    expect(timeTicks(10, 10, 5)).toEqual([]);
  });
});

describe('timeTicks in a chosen zone', () => {
  it('falls on the hour of the zone and labels in it', () => {
    const from = Date.UTC(2026, 0, 1, 10, 10);
    const to = Date.UTC(2026, 0, 1, 14, 10);
    const utc = timeTicks(from, to, 5, () => 0);
    expect(utc.map((t) => t.label)).toEqual(['11:00', '12:00', '13:00', '14:00']);
    const india = timeTicks(from, to, 5, () => 330);
    expect(india[0]).toEqual({ t: Date.UTC(2026, 0, 1, 10, 30), label: '16:00' });
  });
});
