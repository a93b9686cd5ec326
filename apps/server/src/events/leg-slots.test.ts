import { describe, expect, it } from 'vitest';
import { LegSlots, SlotMap } from './leg-slots.js';

describe('LegSlots', () => {
  it('numbers each (target, leg) once, densely, and finds without numbering', () => {
    const slots = new LegSlots();
    expect(slots.find('t', 'a')).toBeUndefined();
    expect([
      slots.slotOf('t', 'a'),
      slots.slotOf('t', 'b'),
      slots.slotOf('u', 'a'),
      slots.slotOf('t', 'a'),
      // names that would join into one key stay two legs
      slots.slotOf('t\u0000a', ''),
    ]).toEqual([0, 1, 2, 0, 3]);
    expect(slots.find('u', 'a')).toBe(2);
    expect(slots.find('u', 'b')).toBeUndefined();
  });
});

describe('SlotMap', () => {
  it.each<
    [string, Array<['set', number, string] | ['delete', number] | ['clear']>, Array<string | undefined>]
  >([
    ['empty', [], [undefined, undefined]],
    [
      'set past the end leaves gaps empty',
      [['set', 3, 'd']],
      [undefined, undefined, undefined, 'd', undefined],
    ],
    [
      'set over a value',
      [
        ['set', 0, 'a'],
        ['set', 0, 'b'],
      ],
      ['b', undefined],
    ],
    [
      'delete one',
      [
        ['set', 0, 'a'],
        ['set', 1, 'b'],
        ['delete', 0],
        ['delete', 9],
      ],
      [undefined, 'b'],
    ],
    ['clear', [['set', 0, 'a'], ['set', 2, 'c'], ['clear']], [undefined, undefined, undefined]],
  ])('%s', (_, steps, expected) => {
    const map = new SlotMap<string>();
    for (const step of steps) {
      if (step[0] === 'set') map.set(step[1], step[2]);
      else if (step[0] === 'delete') map.delete(step[1]);
      else map.clear();
    }
    expect(expected.map((_, slot) => map.get(slot))).toEqual(expected);
  });
});
