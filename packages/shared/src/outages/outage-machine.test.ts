import { describe, expect, it } from 'vitest';
import type { Cause } from '../protocol/causes.js';
import {
  type ClosedSession,
  initialCondition,
  type LegCondition,
  nextCondition,
  type OutageEffect,
  type OutageInput,
} from './outage-machine.js';

const open = (at: number): OutageInput => ({ type: 'open', at });
const close = (at: number, cause: Cause | null, extra: Partial<ClosedSession> = {}): OutageInput => ({
  type: 'close',
  session: { openedAt: at, closedAt: at, cause, error: null, httpStatus: null, ...extra },
});

/** Runs the inputs from a fresh leg (connecting since 0); returns each step's state, since and effect type. */
function run(inputs: OutageInput[]): { trace: [string, number, string][]; last: LegCondition } {
  let condition = initialCondition(0);
  const trace: [string, number, string][] = [];
  for (const input of inputs) {
    const step = nextCondition(condition, input);
    condition = step.condition;
    trace.push([condition.state, condition.since, step.effect.type]);
  }
  return { trace, last: condition };
}

describe('nextCondition', () => {
  it.each<[string, OutageInput[], [string, number, string][]]>([
    ['first session opens', [open(5)], [['up', 5, 'none']]],
    [
      'an established session drops, retries fail, a session opens again',
      [
        open(5),
        close(100, 'heartbeat_timeout'),
        close(102, 'connect_failed'),
        close(106, 'connect_failed'),
        close(114, 'handshake_rejected'),
        open(130),
      ],
      [
        ['up', 5, 'none'],
        ['down', 100, 'drop'],
        ['down', 100, 'attempt_failed'],
        ['down', 100, 'attempt_failed'],
        ['down', 100, 'attempt_failed'],
        ['up', 130, 'outage_end'],
      ],
    ],
    [
      'a leg that never connected: its first failed attempt opens the outage',
      [close(3, 'connect_failed'), close(5, 'connect_failed'), open(9)],
      [
        ['down', 3, 'first_attempt_failed'],
        ['down', 3, 'attempt_failed'],
        ['up', 9, 'outage_end'],
      ],
    ],
    [
      'a drop followed at once by a good reconnect: an outage without attempts',
      [open(1), close(50, 'reset'), open(51)],
      [
        ['up', 1, 'none'],
        ['down', 50, 'drop'],
        ['up', 51, 'outage_end'],
      ],
    ],
    [
      'hopwatch closing an up session (reload, shutdown) is no drop: connecting again',
      [open(1), close(40, null), open(41)],
      [
        ['up', 1, 'none'],
        ['connecting', 40, 'none'],
        ['up', 41, 'none'],
      ],
    ],
    [
      'hopwatch closing an attempt of a down leg leaves the outage open',
      [open(1), close(10, 'reset'), close(12, null), close(15, 'connect_failed')],
      [
        ['up', 1, 'none'],
        ['down', 10, 'drop'],
        ['down', 10, 'none'],
        ['down', 10, 'attempt_failed'],
      ],
    ],
    [
      'two outages in a row are two outages',
      [open(1), close(10, 'reset'), open(11), close(20, 'abnormal_close'), open(21)],
      [
        ['up', 1, 'none'],
        ['down', 10, 'drop'],
        ['up', 11, 'outage_end'],
        ['down', 20, 'drop'],
        ['up', 21, 'outage_end'],
      ],
    ],
  ])('%s', (_name, inputs, expected) => {
    expect(run(inputs).trace).toEqual(expected);
  });

  it('keeps the first cause and the latest failure of an outage', () => {
    const { last } = run([
      open(1),
      close(10, 'heartbeat_timeout'),
      close(12, 'connect_failed', { error: 'ETIMEDOUT: no HTTP response within 1500 ms' }),
      close(15, 'handshake_rejected', { httpStatus: 403 }),
    ]);
    expect(last).toEqual({
      state: 'down',
      since: 10,
      outage: {
        since: 10,
        attempts: 2,
        firstCause: 'heartbeat_timeout',
        lastCause: 'handshake_rejected',
        lastError: null,
        lastHttpStatus: 403,
      },
    });
  });

  it('ends an outage with its attempts and the time a session opened', () => {
    let condition = initialCondition(0);
    const effects: OutageEffect[] = [];
    for (const input of [open(1), close(10, 'reset'), close(11, 'connect_failed'), open(30)]) {
      const step = nextCondition(condition, input);
      condition = step.condition;
      effects.push(step.effect);
    }
    expect(effects.at(-1)).toEqual({
      type: 'outage_end',
      until: 30,
      outage: expect.objectContaining({
        since: 10,
        attempts: 1,
        firstCause: 'reset',
        lastCause: 'connect_failed',
      }),
    });
  });

  it('a second open while up changes nothing', () => {
    const up: LegCondition = { state: 'up', since: 5 };
    expect(nextCondition(up, open(9))).toEqual({ condition: up, effect: { type: 'none' } });
  });
});
