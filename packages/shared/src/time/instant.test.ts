import { describe, expect, it } from 'vitest';
import { parseInstant } from './instant.js';

describe('parseInstant', () => {
  it.each([
    ['0', 0],
    ['1714564800000', 1_714_564_800_000],
    [' 1714564800000 ', 1_714_564_800_000],
    ['2024-05-01', Date.UTC(2024, 4, 1)],
    ['2024-05-01T12:00:00Z', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01t12:00:00z', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01 12:00:00Z', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T12:00Z', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T12:00:00.250Z', Date.UTC(2024, 4, 1, 12, 0, 0, 250)],
    ['2024-05-01T12:00:00,5Z', Date.UTC(2024, 4, 1, 12, 0, 0, 500)],
    ['2024-05-01T12:00:00.123456789Z', Date.UTC(2024, 4, 1, 12, 0, 0, 123)],
    ['2024-05-01T14:00:00+02:00', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T14:00:00+0200', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T07:30:00-04:30', Date.UTC(2024, 4, 1, 12)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['0050-01-01', -60_589_296_000_000],
  ])('%j → %d', (text, ms) => {
    expect(parseInstant(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['', 'must be epoch milliseconds or an ISO 8601 time'],
    ['-1', 'must be epoch milliseconds or an ISO 8601 time'],
    ['1.5', 'must be epoch milliseconds or an ISO 8601 time'],
    ['1e12', 'must be epoch milliseconds or an ISO 8601 time'],
    ['NaN', 'must be epoch milliseconds or an ISO 8601 time'],
    ['Infinity', 'must be epoch milliseconds or an ISO 8601 time'],
    ['yesterday', 'must be epoch milliseconds or an ISO 8601 time'],
    ['May 1, 2024', 'must be epoch milliseconds or an ISO 8601 time'],
    ['2024-5-1', 'must be epoch milliseconds or an ISO 8601 time'],
    ['9999999999999999', 'out of range'],
    ['2024-05-01T12:00:00', 'needs a time zone'],
    ['2024-02-30', 'not a valid calendar time'],
    ['2023-02-29T00:00:00Z', 'not a valid calendar time'],
    ['2024-13-01', 'not a valid calendar time'],
    ['2024-05-01T24:00:00Z', 'not a valid calendar time'],
    ['2024-05-01T12:60:00Z', 'not a valid calendar time'],
    ['2024-05-01T12:00:00+24:00', 'invalid time zone offset'],
  ])('rejects %j', (text, fragment) => {
    const result = parseInstant(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(fragment);
  });

  it('does not echo a huge value back in full', () => {
    const result = parseInstant('x'.repeat(100_000));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeLessThan(200);
  });
});
