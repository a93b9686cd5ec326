// The beat clock on a fake clock: beats run at their due millisecond (never early), in scheduling order, from one
// timer at a time; a cancelled beat never runs and the last cancel leaves no timer behind.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BeatClient, BeatClock } from './beat-clock.js';

const T0 = 1_700_000_000_000;

/** A client that records when it ran, and may schedule itself again. */
function client(name: string, runs: string[], again?: (now: number) => number | null, clock?: BeatClock) {
  const self: BeatClient = {
    onBeat(now, due) {
      runs.push(`${name}@${now - T0}/${due - T0}`);
      const next = again?.(now);
      if (next != null && clock) clock.at(next, self);
    },
  };
  return self;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('BeatClock', () => {
  it.each([
    // scheduled (name at due ms), then the runs as name@now/due after 100 ms
    [[['a', 10]], ['a@10/10']],
    [
      [
        ['b', 20],
        ['a', 10],
        ['c', 10],
      ],
      ['a@10/10', 'c@10/10', 'b@20/20'],
    ],
    [
      [
        ['a', 5],
        ['b', 5],
        ['c', 5],
      ],
      ['a@5/5', 'b@5/5', 'c@5/5'],
    ],
    [
      [
        ['late', 0],
        ['a', 99],
      ],
      ['late@0/0', 'a@99/99'],
    ],
  ] as Array<[Array<[string, number]>, string[]]>)('%j runs as %j', (scheduled, expected) => {
    const clock = new BeatClock();
    const runs: string[] = [];
    for (const [name, due] of scheduled) clock.at(T0 + due, client(name, runs));
    vi.advanceTimersByTime(100);
    expect(runs).toEqual(expected);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never runs a beat early, and holds one timer for any number of beats', () => {
    const clock = new BeatClock();
    const runs: string[] = [];
    for (let i = 0; i < 1000; i++) clock.at(T0 + 50 + (i % 10), client(`l${i}`, runs));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(49);
    expect(runs).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(runs).toHaveLength(100);
    vi.advanceTimersByTime(9);
    expect(runs).toHaveLength(1000);
    for (const run of runs) {
      const [now, due] = run.split('@')[1]!.split('/').map(Number);
      expect(now).toBe(due);
    }
  });

  it('a beat that schedules itself again runs on every interval, through one timer', () => {
    const clock = new BeatClock();
    const runs: string[] = [];
    const every100 = (now: number) => now + 100;
    clock.at(T0 + 100, client('a', runs, every100, clock));
    clock.at(T0 + 150, client('b', runs, every100, clock));
    vi.advanceTimersByTime(350);
    expect(runs).toEqual(['a@100/100', 'b@150/150', 'a@200/200', 'b@250/250', 'a@300/300', 'b@350/350']);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('a beat runs when the clock gets to it, late by as much as the loop was', () => {
    const clock = new BeatClock();
    const runs: string[] = [];
    clock.at(T0 + 10, client('a', runs));
    clock.at(T0 + 30, client('b', runs));
    // the loop is busy for 40 ms: both are overdue when the timer finally runs, and both run then
    vi.setSystemTime(T0 + 40);
    vi.advanceTimersByTime(10);
    expect(runs).toEqual(['a@50/10', 'b@50/30']);
  });

  it('cancel: a cancelled beat never runs, others due then still do, and the last cancel clears the timer', () => {
    const clock = new BeatClock();
    const runs: string[] = [];
    const a = client('a', runs);
    const b = client('b', runs);
    const c = client('c', runs);
    clock.at(T0 + 10, a);
    clock.at(T0 + 10, b);
    clock.at(T0 + 20, c);
    clock.cancel(T0 + 10, a);
    clock.cancel(T0 + 99, b); // not scheduled then: nothing happens
    vi.advanceTimersByTime(15);
    expect(runs).toEqual(['b@10/10']);
    clock.cancel(T0 + 20, c);
    expect(clock.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(100);
    expect(runs).toEqual(['b@10/10']);
  });

  it('an earlier beat re-arms the timer for itself', () => {
    const clock = new BeatClock();
    const runs: string[] = [];
    clock.at(T0 + 500, client('later', runs));
    clock.at(T0 + 5, client('sooner', runs));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(5);
    expect(runs).toEqual(['sooner@5/5']);
    vi.advanceTimersByTime(495);
    expect(runs).toEqual(['sooner@5/5', 'later@500/500']);
  });

  it('a beat that throws does not keep the others due then from running', () => {
    const clock = new BeatClock();
    const runs: string[] = [];
    const thrown: unknown[] = [];
    const original = globalThis.queueMicrotask;
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) =>
      original(() => {
        try {
          task();
        } catch (error) {
          thrown.push(error);
        }
      }),
    );
    clock.at(T0 + 10, {
      onBeat() {
        throw new Error('broken beat');
      },
    });
    clock.at(T0 + 10, client('b', runs));
    vi.advanceTimersByTime(10);
    expect(runs).toEqual(['b@10/10']);
    return Promise.resolve().then(() => {
      expect(thrown).toEqual([new Error('broken beat')]);
      vi.restoreAllMocks();
    });
  });

  it('matches a model of itself over random schedules and cancels, with its buckets reused', () => {
    // the model: every (due, client) scheduled and not cancelled runs once, at the first firing at or after due
    let state = 7;
    const random = (n: number) => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state % n;
    };
    const clock = new BeatClock();
    const runs: string[] = [];
    const expected: string[] = [];
    const model = new Map<string, number>(); // `${client}/${due}` → due
    const clients = Array.from({ length: 6 }, (_, i) => client(`c${i}`, runs));
    const scheduled = new Set<string>();
    for (let step = 0; step < 400; step++) {
      const now = Date.now() - T0;
      const which = random(6);
      const due = now + 1 + random(5);
      const key = `c${which}/${due}`;
      if (random(4) === 0) {
        const [name, at] = [...scheduled][random(Math.max(1, scheduled.size))]?.split('/') ?? [];
        if (name !== undefined && at !== undefined) {
          clock.cancel(T0 + Number(at), clients[Number(name.slice(1))]!);
          scheduled.delete(`${name}/${at}`);
          model.delete(`${name}/${at}`);
        }
      } else if (!scheduled.has(key)) {
        clock.at(T0 + due, clients[which]!);
        scheduled.add(key);
        model.set(key, due);
      }
      if (random(3) === 0) {
        vi.advanceTimersByTime(1);
        const at = Date.now() - T0;
        for (const [k, d] of [...model].sort((a, b) => a[1] - b[1])) {
          if (d > at) continue;
          expected.push(`${k.split('/')[0]}@${at}/${d}`);
          model.delete(k);
          scheduled.delete(k);
        }
      }
    }
    vi.advanceTimersByTime(10);
    for (const [k, d] of [...model].sort((a, b) => a[1] - b[1]))
      expected.push(`${k.split('/')[0]}@${d}/${d}`);
    // order within a millisecond is scheduling order, which the model does not keep: compare as sorted lists
    expect([...runs].sort()).toEqual([...expected].sort());
    expect(clock.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
