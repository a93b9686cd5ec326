import { describe, expect, it } from 'vitest';
import { formatZoneClock, formatZoneDateTime, wallClock, zoneOffsetLabel } from './zone.js';

describe('zoneOffsetLabel', () => {
  it.each([
    [0, 'UTC+00:00'],
    [60, 'UTC+01:00'],
    [-300, 'UTC-05:00'],
    [330, 'UTC+05:30'],
    [-210, 'UTC-03:30'],
    [840, 'UTC+14:00'],
  ])('%d min → %s', (offset, label) => {
    expect(zoneOffsetLabel(offset)).toBe(label);
  });
});

describe('wall clock in a zone', () => {
  const t = Date.UTC(2026, 0, 31, 23, 30, 5);
  it.each([
    [0, '2026-01-31 23:30:05'],
    [60, '2026-02-01 00:30:05'],
    [-300, '2026-01-31 18:30:05'],
    [330, '2026-02-01 05:00:05'],
  ])('offset %d → %s', (offset, text) => {
    expect(formatZoneDateTime(t, offset)).toBe(text);
  });
  it('reads the calendar of the zone, not of the machine', () => {
    expect(wallClock(t, 60)).toEqual({ year: 2026, month: 2, day: 1, hour: 0, minute: 30, second: 5 });
    expect(formatZoneClock(t, -60)).toBe('22:30:05');
  });
});
