import { describe, expect, it } from 'vitest';
import { legSlots } from '../events/leg-slots.js';
import { LegStatuses } from './leg-statuses.js';
import { legKey } from './prober.js';
import type { LegStatus } from './types.js';

const status = (
  target: string,
  leg: string,
  sessionId: string | null,
  lastReplyAt: number | null = null,
): LegStatus => ({
  target,
  leg,
  state: sessionId ? 'up' : 'connecting',
  since: 1,
  sessionId,
  lastReplyAt,
});

const slot = (target: string, leg: string) => legSlots.slotOf(target, leg);
/** a session id equal in content but not the same string: what the worker's status and a sample each carry */
const copyOf = (text: string) => [...text].join('');

type Step =
  | ['set', LegStatus]
  | ['reply', target: string, leg: string, sessionId: string, at: number]
  | ['delete', target: string, leg: string]
  | ['clear'];

describe('LegStatuses', () => {
  it.each<[string, Step[], Array<[string, number | null]>]>([
    [
      'a reply of the current session moves lastReplyAt',
      [
        ['set', status('x', 'a', 's1')],
        ['reply', 'x', 'a', copyOf('s1'), 10],
        ['reply', 'x', 'a', 's1', 20],
      ],
      [['a', 20]],
    ],
    [
      'a late reply of the session before does not',
      [
        ['set', status('x', 'a', 's2', 5)],
        ['reply', 'x', 'a', 's1', 10],
      ],
      [['a', 5]],
    ],
    [
      'a leg without a session takes no reply',
      [
        ['set', status('x', 'a', null)],
        ['reply', 'x', 'a', 's1', 10],
      ],
      [['a', null]],
    ],
    [
      'a new status starts from its own lastReplyAt',
      [
        ['set', status('x', 'a', 's1')],
        ['reply', 'x', 'a', 's1', 10],
        ['set', status('x', 'a', 's3', 7)],
      ],
      [['a', 7]],
    ],
    [
      'the same session, set again, counts replies again',
      [
        ['set', status('x', 'a', 's1')],
        ['reply', 'x', 'a', 's1', 10],
        ['set', status('x', 'a', 's1', 12)],
        ['reply', 'x', 'a', 's1', 30],
      ],
      [['a', 30]],
    ],
    [
      'another leg is another leg',
      [
        ['set', status('x', 'a', 's1')],
        ['set', status('y', 'b', 's1')],
        ['reply', 'y', 'b', 's1', 9],
      ],
      [
        ['a', null],
        ['b', 9],
      ],
    ],
    [
      'a deleted leg is gone, and a reply for it lands nowhere',
      [
        ['set', status('x', 'a', 's1')],
        ['set', status('y', 'b', 's2')],
        ['delete', 'x', 'a'],
        ['reply', 'x', 'a', 's1', 10],
      ],
      [['b', null]],
    ],
    [
      'after clear, a leg set again starts afresh',
      [
        ['set', status('x', 'a', 's1')],
        ['reply', 'x', 'a', 's1', 10],
        ['clear'],
        ['set', status('x', 'a', 's1')],
      ],
      [['a', null]],
    ],
  ])('%s', (_name, steps, expected) => {
    const statuses = new LegStatuses();
    for (const step of steps) {
      if (step[0] === 'set') statuses.set(legKey(step[1].target, step[1].leg), step[1]);
      else if (step[0] === 'reply') statuses.reply(slot(step[1], step[2]), step[3], step[4]);
      else if (step[0] === 'delete') statuses.delete(legKey(step[1], step[2]));
      else statuses.clear();
    }
    expect([...statuses.values()].map((s) => [s.leg, s.lastReplyAt])).toEqual(expected);
  });

  it('reads back each status as set, in the order set, with its latest reply', () => {
    const statuses = new LegStatuses();
    const a = status('x', 'a', 's1');
    const b = status('y', 'a', 's2');
    statuses.set(legKey('x', 'a'), a);
    statuses.set(legKey('y', 'a'), b);
    statuses.reply(slot('y', 'a'), 's2', 42);
    expect([...statuses.values()]).toEqual([a, { ...b, lastReplyAt: 42 }]);
    expect(statuses.get(legKey('y', 'a'))).toEqual({ ...b, lastReplyAt: 42 });
    expect(statuses.get(legKey('x', 'a'))).toBe(a);
    expect(statuses.get(legKey('z', 'a'))).toBeUndefined();
  });

  it('keeps up with slots far past its first arrays', () => {
    const statuses = new LegStatuses();
    for (let i = 0; i < 600; i++) statuses.set(legKey('many', `l${i}`), status('many', `l${i}`, `s${i}`));
    statuses.reply(slot('many', 'l599'), 's599', 5);
    expect(statuses.get(legKey('many', 'l599'))?.lastReplyAt).toBe(5);
    expect(statuses.get(legKey('many', 'l598'))?.lastReplyAt).toBeNull();
  });
});
