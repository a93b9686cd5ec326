import { describe, expect, it } from 'vitest';
import { age, clockTime, listAnd, listOr, plural } from './text.js';

describe('text', () => {
  it.each<[string[], string, string]>([
    [[], '', ''],
    [['a'], 'a', 'a'],
    [['a', 'b'], 'a and b', 'a or b'],
    [['a', 'b', 'c'], 'a, b and c', 'a, b or c'],
  ])('lists %j', (items, and, or) => {
    expect(listAnd(items)).toBe(and);
    expect(listOr(items)).toBe(or);
  });

  it.each<[number, string]>([
    [480, '480ms'],
    [99_800, '99.8s'],
    [100_000, '100s'],
    [350_000, '350s'],
    [5_400_000, '1h 30m'],
  ])('age(%d) = %s', (ms, text) => {
    expect(age(ms)).toBe(text);
  });

  it('says plurals and clock times', () => {
    expect(plural(1, 'heartbeat')).toBe('1 heartbeat');
    expect(plural(2, 'heartbeat')).toBe('2 heartbeats');
    expect(clockTime(Date.UTC(2026, 5, 10, 12, 0, 1, 250))).toBe('12:00:01.250Z');
  });
});
