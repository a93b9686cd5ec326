import { describe, expect, it } from 'vitest';
import { LegMap } from './leg-map.js';

describe('LegMap', () => {
  it.each<
    [
      string,
      Array<['set', string, string, number] | ['delete', string, string]>,
      Array<[string, string, number | undefined]>,
      number[],
    ]
  >([
    ['empty', [], [['t', 'a', undefined]], []],
    [
      'one leg',
      [['set', 't', 'a', 1]],
      [
        ['t', 'a', 1],
        ['t', 'b', undefined],
        ['u', 'a', undefined],
      ],
      [1],
    ],
    [
      'same leg name under two targets',
      [
        ['set', 't', 'a', 1],
        ['set', 'u', 'a', 2],
      ],
      [
        ['t', 'a', 1],
        ['u', 'a', 2],
      ],
      [1, 2],
    ],
    [
      'set again replaces',
      [
        ['set', 't', 'a', 1],
        ['set', 't', 'a', 3],
      ],
      [['t', 'a', 3]],
      [3],
    ],
    [
      'delete one leg of two',
      [
        ['set', 't', 'a', 1],
        ['set', 't', 'b', 2],
        ['delete', 't', 'a'],
      ],
      [
        ['t', 'a', undefined],
        ['t', 'b', 2],
      ],
      [2],
    ],
    [
      'delete the last leg of a target, then use the target again',
      [
        ['set', 't', 'a', 1],
        ['delete', 't', 'a'],
        ['set', 't', 'b', 2],
      ],
      [
        ['t', 'a', undefined],
        ['t', 'b', 2],
      ],
      [2],
    ],
    ['delete what is not there', [['delete', 't', 'a']], [['t', 'a', undefined]], []],
  ])('%s', (_, steps, lookups, values) => {
    const map = new LegMap<number>();
    for (const step of steps) {
      if (step[0] === 'set') map.set(step[1], step[2], step[3]);
      else map.delete(step[1], step[2]);
    }
    for (const [target, leg, value] of lookups) expect(map.get(target, leg)).toBe(value);
    expect([...map.values()]).toEqual(values);
  });

  it('delete says whether there was a leg, and clear forgets every one', () => {
    const map = new LegMap<number>();
    map.set('t', 'a', 1);
    expect(map.delete('t', 'a')).toBe(true);
    expect(map.delete('t', 'a')).toBe(false);
    map.set('t', 'a', 1);
    map.set('u', 'b', 2);
    map.clear();
    expect([...map.values()]).toEqual([]);
  });
});
