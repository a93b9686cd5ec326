import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseDurationOrMs } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['30d', 2_592_000_000],
    [' 7s ', 7_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each(['', '10', 's', '10 s', '-1s', '1w', '10sec', '1e3s', 'NaNs'])('rejects %j', (text) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('must be a duration');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [999, '999ms'],
    [1_500, '1.5s'],
    [48_213, '48s'],
    [125_000, '2m 5s'],
    [3_600_000, '1h'],
    [5_400_000, '1h 30m'],
    [90_000_000, '1d 1h'],
    [-2_000, '-2s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('parseDurationOrMs', () => {
  it.each([
    ['60000', 60_000],
    ['0', 0],
    ['1m', 60_000],
    ['250ms', 250],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDurationOrMs(text)).toEqual({ ok: true, ms });
  });

  it.each(['-5', '1.5', 'abc', '1w', ''])('rejects %j naming both spellings', (text) => {
    const result = parseDurationOrMs(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/must be a duration.*or milliseconds/);
  });

  it('does not echo a huge value back in full', () => {
    const result = parseDurationOrMs(`${'9'.repeat(50_000)}s`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeLessThan(200);
  });
});
