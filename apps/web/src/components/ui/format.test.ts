import { describe, expect, it } from 'vitest';
import { formatAge, formatDateTime, formatMs, formatRatio, fromLocalInput, toLocalInput } from './format';

describe('format', () => {
  it.each([
    [null, '—'],
    [0.42, '0.4 ms'],
    [9.95, '9.9 ms'],
    [123.4, '123 ms'],
    [25_000, '25s'],
  ])('formatMs(%s) → %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
  it.each([
    [null, '—'],
    [1, '100%'],
    [0.99999, '99.9%'],
    [0.5, '50.0%'],
  ])('formatRatio(%s) → %s', (ratio, text) => {
    expect(formatRatio(ratio)).toBe(text);
  });
  it('formatAge never goes negative', () => {
    expect(formatAge(-5)).toBe('0ms');
    expect(formatAge(192_000)).toBe('3m 12s');
  });
  it('formatDateTime is local and zero-padded', () => {
    expect(formatDateTime(new Date(2025, 0, 2, 3, 4, 5).getTime())).toBe('2025-01-02 03:04:05');
  });
});

describe('datetime-local inputs in the page zone', () => {
  it.each(['2025-01-02T03:04:05', '2026-07-15T23:59:00'])('%s round-trips', (text) => {
    expect(toLocalInput(fromLocalInput(text))).toBe(text);
  });
  it('rejects what is not a time', () => {
    expect(fromLocalInput('yesterday')).toBeNaN();
  });
});
