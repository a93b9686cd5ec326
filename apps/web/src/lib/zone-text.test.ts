import { describe, expect, it } from 'vitest';
import { zoneClockTimes } from './zone-text';

const near = Date.UTC(2026, 0, 1, 23, 50);

describe('zoneClockTimes', () => {
  it.each([
    [
      'lb and edge dropped within 6ms (reset) at 23:49:47.179Z',
      60,
      'lb and edge dropped within 6ms (reset) at 00:49:47.179',
    ],
    ['at 23:49:47Z and 23:49:50.001Z', -300, 'at 18:49:47 and 18:49:50.001'],
    ['in UTC it stays 23:49:47.179Z', 0, 'in UTC it stays 23:49:47.179Z'],
    ['no times here: 12 ms, 3 sessions', 60, 'no times here: 12 ms, 3 sessions'],
    // just after midnight UTC, seen from a verdict just before it: the next UTC day
    ['at 00:00:05.000Z', 60, 'at 01:00:05.000'],
  ])('%s (offset %d)', (text, offset, expected) => {
    expect(zoneClockTimes(text, near, () => offset)).toBe(expected);
  });
});
