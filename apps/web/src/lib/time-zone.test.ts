import { describe, expect, it } from 'vitest';
import { clockIn, dateTimeIn, offsetOf, zoneLabel } from './time-zone';

describe('time zone of a page', () => {
  const t = Date.UTC(2026, 5, 1, 12, 0, 0);
  it('UTC is labelled UTC and reads as UTC', () => {
    expect(zoneLabel('utc', t)).toBe('UTC');
    expect(clockIn('utc', t)).toBe('12:00:00');
    expect(dateTimeIn('utc', t)).toBe('2026-06-01 12:00:00');
  });
  it('local carries its offset as a label and agrees with the machine clock', () => {
    const offset = offsetOf('local', t);
    expect(offset).toBe(-new Date(t).getTimezoneOffset());
    expect(zoneLabel('local', t)).toMatch(/^UTC[+-]\d\d:\d\d$/);
    const d = new Date(t);
    expect(clockIn('local', t)).toBe(
      [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':'),
    );
  });
});
