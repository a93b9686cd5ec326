import type { Session } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import type { RttSample } from '../../../store/store.js';
import { closedSession } from '../../../store/test-support/store-fixture.js';
import { legStats } from './leg-stats.js';

const NOW = 10 * 3_600_000;
const MIN = 60_000;

function session(openedAt: number, closedAt: number | null, cause: Session['cause'] = 'reset'): Session {
  if (closedAt !== null) return closedSession('t', 'edge', `s${openedAt}`, openedAt, closedAt, { cause });
  return closedSession('t', 'edge', `s${openedAt}`, openedAt, openedAt, {
    closedAt: null,
    durationMs: null,
    cause: null,
  });
}

function sample(minutesAgo: number, rttMs: number | null, suspect = false): RttSample {
  return { target: 't', leg: 'edge', sessionId: 's', ts: NOW - minutesAgo * MIN, seq: 1, rttMs, suspect };
}

describe('legStats', () => {
  it.each<[string, Session[], number | null, number, number]>([
    ['no sessions: unknown', [], null, 0, 0],
    ['one session open all hour', [session(NOW - 3 * 3_600_000, null)], 1, 0, 0],
    ['up for the first half hour, then dropped', [session(NOW - 2 * 3_600_000, NOW - 30 * MIN)], 0.5, 1, 0],
    [
      'a hopwatch that started 10 minutes ago and was up 5 of them',
      [
        session(NOW - 10 * MIN, NOW - 5 * MIN, 'heartbeat_timeout'),
        session(NOW - 5 * MIN, NOW - 5 * MIN, 'connect_failed'),
      ],
      0.5,
      1,
      1,
    ],
    ['only failed attempts', [session(NOW - 20 * MIN, NOW - 20 * MIN, 'connect_failed')], 0, 0, 1],
    [
      'one outage: a drop and five retries is one drop',
      [
        session(NOW - 50 * MIN, NOW - 40 * MIN, 'heartbeat_timeout'),
        ...[1, 2, 3, 4].map((m) =>
          session(NOW - 40 * MIN + m * 1_000, NOW - 40 * MIN + m * 1_000, 'connect_failed'),
        ),
        session(NOW - 39 * MIN, NOW - 39 * MIN, 'handshake_rejected'),
        session(NOW - 38 * MIN, null),
      ],
      (10 + 38) / 50,
      1,
      5,
    ],
    [
      'a session closed by hopwatch is not a drop',
      [session(NOW - 30 * MIN, NOW - 15 * MIN, null)],
      0.5,
      0,
      0,
    ],
    [
      'a drop before the hour does not count',
      [session(NOW - 3 * 3_600_000, NOW - 2 * 3_600_000)],
      null,
      0,
      0,
    ],
  ])('%s', (_name, sessions, uptime, drops, failedAttempts) => {
    const stats = legStats(sessions, [], NOW);
    expect(stats.uptimeRatio1h).toBe(uptime);
    expect(stats.drops1h).toBe(drops);
    expect(stats.failedAttempts1h).toBe(failedAttempts);
  });

  it('takes RTT percentiles over answered, non-suspect samples of the last 15 minutes', () => {
    const samples = [
      ...Array.from({ length: 98 }, (_, i) => sample(1, i < 60 ? 10 : 11)),
      sample(2, 50),
      sample(3, 90),
      sample(4, null),
      sample(5, 5_000, true),
      sample(20, 9_000),
    ];
    const stats = legStats([], samples, NOW);
    expect(stats.rttP50Ms).toBe(10);
    expect(stats.rttP99Ms).toBe(50);
  });

  it('has no RTT percentiles without answered samples', () => {
    expect(legStats([], [sample(1, null)], NOW)).toMatchObject({ rttP50Ms: null, rttP99Ms: null });
  });
});
