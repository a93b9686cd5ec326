import { describe, expect, it } from 'vitest';
import { legSlots } from '../events/leg-slots.js';
import { LegStatuses } from './leg-statuses.js';
import { legKey } from './prober.js';
import type { LegStatus } from './types.js';

const status = (target: string, leg: string, sessionId: string | null): LegStatus => ({
  target,
  leg,
  state: sessionId ? 'up' : 'connecting',
  since: 1,
  sessionId,
  lastReplyAt: null,
});

describe('LegStatuses', () => {
  // ThreadedProber moves lastReplyAt on the status found by a sample's slot: a stale entry would move the
  // lastReplyAt of a status status() no longer lists, or of a leg a reload removed.
  it('finds by slot exactly the statuses it holds, as they are set, replaced, deleted and cleared', () => {
    const statuses = new LegStatuses();
    const slot = (target: string, leg: string) => legSlots.slotOf(target, leg);
    const a = status('x', 'a', 's1');
    const b = status('y', 'a', 's2');
    statuses.set(legKey('x', 'a'), a);
    statuses.set(legKey('y', 'a'), b);
    expect(statuses.atSlot(slot('x', 'a'))).toBe(a);
    expect(statuses.atSlot(slot('y', 'a'))).toBe(b);

    const reconnected = status('x', 'a', 's3');
    statuses.set(legKey('x', 'a'), reconnected);
    expect(statuses.atSlot(slot('x', 'a'))).toBe(reconnected);
    expect([...statuses.values()]).toEqual([reconnected, b]);

    statuses.delete(legKey('y', 'a'));
    expect(statuses.atSlot(slot('y', 'a'))).toBeUndefined();
    expect(statuses.atSlot(slot('x', 'a'))).toBe(reconnected);

    statuses.clear();
    expect(statuses.atSlot(slot('x', 'a'))).toBeUndefined();
    const again = status('x', 'a', null);
    statuses.set(legKey('x', 'a'), again);
    expect(statuses.atSlot(slot('x', 'a'))).toBe(again);
    expect(statuses.atSlot(legSlots.slotOf('never', 'set'))).toBeUndefined();
  });
});
