// The pending-heartbeat queue against a plain array of objects doing the same operations: positions, seqs and
// lost marks must agree after any mix of pushes, answers, drops and long runs without a reply.
import { describe, expect, it } from 'vitest';
import { PendingBeats } from './pending-beats.js';

interface Model {
  seq: number;
  sentAt: number;
  sentPerf: number;
  lateMs: number;
  lost: boolean;
  expect: string;
}

type Step =
  | { push: number; expect?: string }
  | { answer: number }
  | { lose: number }
  | { dropOlderThan: number };

function run(max: number, steps: Step[]) {
  const queue = new PendingBeats(max);
  let model: Model[] = [];
  for (const step of steps) {
    if ('push' in step) {
      const seq = step.push;
      const expect = step.expect ?? '';
      queue.push(seq, 1_700_000_000_000 + seq * 1000.5, seq * 0.25, seq % 7, expect);
      model.push({
        seq,
        sentAt: 1_700_000_000_000 + seq * 1000.5,
        sentPerf: seq * 0.25,
        lateMs: seq % 7,
        lost: false,
        expect,
      });
      if (model.length > max) model.shift();
    } else if ('answer' in step) {
      const index = queue.indexOf(step.answer);
      expect(index).toBe(model.findIndex((beat) => beat.seq === step.answer));
      if (index >= 0) {
        queue.dropThrough(index);
        model = model.slice(index + 1);
      }
    } else if ('lose' in step) {
      const index = queue.indexOf(step.lose);
      const was = model[index]!.lost;
      expect(queue.markLost(index)).toBe(!was);
      model[index]!.lost = true;
    } else {
      queue.dropWhere((i) => queue.seq(i) < step.dropOlderThan);
      model = model.filter((beat) => beat.seq >= step.dropOlderThan);
    }
    expect(queue.size).toBe(model.length);
    model.forEach((beat, i) => {
      expect([queue.seq(i), queue.sentAt(i), queue.sentPerf(i), queue.lateMs(i), queue.lost(i)]).toEqual([
        beat.seq,
        beat.sentAt,
        beat.sentPerf,
        beat.lateMs,
        beat.lost,
      ]);
    });
  }
  return { queue, model };
}

const pushes = (from: number, to: number): Step[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ push: from + i }));

describe('PendingBeats', () => {
  it.each<[string, number, Step[]]>([
    ['one in flight at a time', 4, [{ push: 1 }, { answer: 1 }, { push: 2 }, { answer: 2 }, { push: 3 }]],
    ['a reply settles every older heartbeat', 4, [...pushes(1, 3), { answer: 2 }]],
    ['an unknown seq answers nothing', 4, [...pushes(1, 2), { answer: 9 }]],
    ['past max the oldest is forgotten', 3, [...pushes(1, 5), { answer: 4 }]],
    ['a long silence walks the window and compacts', 4, [...pushes(1, 40), { answer: 39 }, { push: 41 }]],
    [
      'lost marks stay with their heartbeat',
      4,
      [...pushes(1, 3), { lose: 1 }, { lose: 1 }, { lose: 2 }, { answer: 2 }],
    ],
    ['marks survive a compaction', 3, [...pushes(1, 14), { lose: 13 }, ...pushes(15, 30)]],
    [
      'dropWhere keeps the rest in order',
      8,
      [...pushes(1, 6), { lose: 5 }, { dropOlderThan: 4 }, { push: 7 }],
    ],
    [
      'dropWhere of everything empties it',
      4,
      [...pushes(1, 3), { dropOlderThan: 10 }, { push: 11 }, { answer: 11 }],
    ],
  ])('%s', (_name, max, steps) => {
    run(max, steps);
  });

  it('finds the newest heartbeat whose expected reply a message contains', () => {
    const { queue } = run(4, [
      { push: 1, expect: '"seq":1' },
      { push: 12, expect: '"seq":12' },
    ]);
    // the reply to 12 also contains `"seq":1`: newest first
    expect(queue.lastExpectedIn('{"seq":12}')).toBe(1);
    expect(queue.lastExpectedIn('{"seq":1}')).toBe(0);
    expect(queue.lastExpectedIn('{"seq":3}')).toBe(-1);
    queue.dropThrough(0);
    expect(queue.lastExpectedIn('{"seq":12}')).toBe(0);
    queue.dropWhere(() => true);
    expect(queue.lastExpectedIn('{"seq":12}')).toBe(-1);
  });

  it('keeps each expected reply with its heartbeat through compactions and drops', () => {
    const steps: Step[] = Array.from({ length: 20 }, (_, i) => ({ push: i + 1, expect: `#${i + 1}#` }));
    const { queue, model } = run(3, [...steps, { dropOlderThan: 19 }]);
    expect(model.map((beat) => beat.seq)).toEqual([19, 20]);
    expect(queue.lastExpectedIn('#19#')).toBe(0);
    expect(queue.lastExpectedIn('#20#')).toBe(1);
    expect(queue.lastExpectedIn('#18#')).toBe(-1);
  });

  it('refuses a position it does not hold', () => {
    const queue = new PendingBeats(4);
    queue.push(1, 0, 0, 0);
    expect(() => queue.seq(1)).toThrow(RangeError);
    expect(() => queue.seq(-1)).toThrow(RangeError);
  });
});
