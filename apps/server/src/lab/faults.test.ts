import type { LabFault } from '@hopwatch/shared/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { conditionsOf, DEFAULT_CAP_AGE_MS, FaultBook, faultFromRequest } from './faults.js';
import { HEALTHY, type HopConditions } from './hop-proxy.js';

function fault(fields: Partial<LabFault>): LabFault {
  return {
    id: 'f',
    hop: 'lb',
    kind: 'stall',
    startedAt: 0,
    endsAt: 1_000,
    code: null,
    status: null,
    ageMs: null,
    source: 'api',
    ...fields,
  };
}

describe('conditionsOf', () => {
  it.each<{ name: string; faults: LabFault[]; expected: Partial<HopConditions> }>([
    { name: 'no faults', faults: [], expected: {} },
    { name: 'stall', faults: [fault({ kind: 'stall' })], expected: { stall: true } },
    { name: 'blackhole', faults: [fault({ kind: 'blackhole' })], expected: { blackhole: true } },
    { name: 'reset', faults: [fault({ kind: 'reset' })], expected: { reset: true } },
    {
      name: 'close with its code',
      faults: [fault({ kind: 'close', code: 4000 })],
      expected: { closeCode: 4000 },
    },
    { name: 'close by default 1012', faults: [fault({ kind: 'close' })], expected: { closeCode: 1012 } },
    { name: 'reject by default 502', faults: [fault({ kind: 'reject' })], expected: { rejectStatus: 502 } },
    {
      name: 'cap by default 100 s',
      faults: [fault({ kind: 'cap' })],
      expected: { capAgeMs: DEFAULT_CAP_AGE_MS },
    },
    {
      name: 'the shortest cap',
      faults: [fault({ kind: 'cap', ageMs: 500 }), fault({ kind: 'cap', ageMs: 300, startedAt: -5 })],
      expected: { capAgeMs: 300 },
    },
    {
      name: 'the latest close code',
      faults: [fault({ kind: 'close', code: 4002, startedAt: 10 }), fault({ kind: 'close', code: 4001 })],
      expected: { closeCode: 4002 },
    },
    {
      name: 'different kinds together',
      faults: [fault({ kind: 'stall' }), fault({ kind: 'reject', status: 503 })],
      expected: { stall: true, rejectStatus: 503 },
    },
  ])('$name', ({ faults, expected }) => {
    expect(conditionsOf(faults)).toEqual({ ...HEALTHY, ...expected });
  });
});

describe('faultFromRequest', () => {
  it('fills the defaults of its kind and nulls the fields of other kinds', () => {
    expect(
      faultFromRequest({ hop: 'edge', kind: 'close', durationMs: 5_000, status: 503 }, 'x', 'api', 100),
    ).toEqual({
      id: 'x',
      hop: 'edge',
      kind: 'close',
      startedAt: 100,
      endsAt: 5_100,
      code: 1012,
      status: null,
      ageMs: null,
      source: 'api',
    });
  });
});

describe('FaultBook', () => {
  const changes: Array<[string, HopConditions]> = [];
  let book: FaultBook;

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    changes.length = 0;
    book = new FaultBook({ onChange: (hop, conditions) => changes.push([hop, conditions]) });
  });
  afterEach(() => {
    book.close();
    vi.useRealTimers();
  });

  it('applies a fault at once and lifts it when it ends', () => {
    const injected = book.inject({ hop: 'app', kind: 'stall', durationMs: 1_000 }, 'api');
    expect(book.list()).toEqual([injected]);
    expect(changes).toEqual([['app', { ...HEALTHY, stall: true }]]);
    vi.advanceTimersByTime(999);
    expect(book.list()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(book.list()).toEqual([]);
    expect(changes.at(-1)).toEqual(['app', HEALTHY]);
  });

  it('keeps what other faults on the hop still impose when one ends', () => {
    book.inject({ hop: 'lb', kind: 'stall', durationMs: 1_000 }, 'api');
    book.inject({ hop: 'lb', kind: 'cap', durationMs: 5_000, ageMs: 2_000 }, 'schedule');
    vi.advanceTimersByTime(1_000);
    expect(changes.at(-1)).toEqual(['lb', { ...HEALTHY, capAgeMs: 2_000 }]);
  });

  it('clear ends every fault on every hop and reports how many', () => {
    book.inject({ hop: 'lb', kind: 'reset', durationMs: 60_000 }, 'api');
    book.inject({ hop: 'edge', kind: 'reject', durationMs: 60_000 }, 'schedule');
    changes.length = 0;
    expect(book.clear()).toBe(2);
    expect(book.list()).toEqual([]);
    expect(changes.sort()).toEqual([
      ['edge', HEALTHY],
      ['lb', HEALTHY],
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives each fault its own id', () => {
    const a = book.inject({ hop: 'lb', kind: 'reset', durationMs: 10 }, 'api');
    const b = book.inject({ hop: 'lb', kind: 'reset', durationMs: 10 }, 'api');
    expect(a.id).not.toBe(b.id);
  });

  it('close leaves no timers and does not touch the hops', () => {
    book.inject({ hop: 'lb', kind: 'reset', durationMs: 60_000 }, 'api');
    changes.length = 0;
    book.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(changes).toEqual([]);
  });
});
