import { describe, expect, it } from 'vitest';
import { classifyLeg, type LegClassification } from './classify.js';
import { drop, heartbeats, legFacts, S, session, T0 } from './test-support/fixtures.js';
import type { Drop, HeartbeatSample } from './types.js';

const leg = legFacts('edge', ['edge', 'lb', 'app'], { intervalMs: 10 * S, timeoutMs: 20 * S });
const window = { from: T0 - 25 * S, to: T0 + 25 * S };
const longUp = session({ leg: 'edge', openedAt: T0 - 3_600 * S });
const answeredThroughout = heartbeats(longUp, window.from - 5 * S, window.to, 10 * S);

function classify(c: {
  drops?: Drop[];
  sessions?: ReturnType<typeof session>[];
  samples?: HeartbeatSample[];
}) {
  return classifyLeg({
    leg,
    window,
    drops: c.drops ?? [],
    sessions: c.sessions ?? [],
    samples: c.samples ?? [],
  });
}

describe('classifyLeg', () => {
  it.each<[string, Parameters<typeof classify>[0], Omit<LegClassification, 'leg'>]>([
    [
      'a drop in the cluster',
      { drops: [drop('edge', T0, { cause: 'reset' })] },
      { state: 'dropped', reason: 'reset' },
    ],
    [
      'a drop beats an otherwise clean record',
      {
        drops: [drop('edge', T0, { cause: 'heartbeat_timeout' })],
        sessions: [longUp],
        samples: answeredThroughout,
      },
      { state: 'dropped', reason: 'heartbeat_timeout' },
    ],
    [
      'a drop taken while hopwatch stalled is not blamed',
      { drops: [drop('edge', T0, { suspect: true })] },
      { state: 'unknown', reason: 'dropped while hopwatch itself stalled' },
    ],
    [
      'up throughout, every heartbeat answered',
      { sessions: [longUp], samples: answeredThroughout },
      { state: 'clean', reason: 'up, every heartbeat answered' },
    ],
    ['no session at all', {}, { state: 'unknown', reason: 'already down' }],
    [
      'connected only after the window began',
      { sessions: [session({ leg: 'edge', openedAt: T0 - 5 * S })] },
      { state: 'unknown', reason: 'connecting during the window' },
    ],
    [
      'closed by hopwatch during the window (a reload is not a drop, nor proof of life)',
      { sessions: [session({ leg: 'edge', openedAt: T0 - 3_600 * S, closedAt: T0, cause: null })] },
      { state: 'unknown', reason: 'closed during the window' },
    ],
    [
      'a heartbeat lost',
      {
        sessions: [longUp],
        samples: answeredThroughout.map((s, i) => (i === 3 ? { ...s, rttMs: null } : s)),
      },
      { state: 'unknown', reason: '1 heartbeat lost' },
    ],
    [
      'heartbeats taken while hopwatch stalled',
      {
        sessions: [longUp],
        samples: answeredThroughout.map((s, i) => ({ ...s, suspect: i >= 2 && i <= 3 })),
      },
      { state: 'unknown', reason: '2 heartbeats taken while hopwatch stalled' },
    ],
    [
      'up, but no heartbeat answered at all',
      { sessions: [longUp] },
      { state: 'unknown', reason: 'no heartbeat answered' },
    ],
    [
      'up, but a gap longer than interval + timeout with nothing recorded',
      {
        sessions: [longUp],
        samples: answeredThroughout.filter((s) => s.ts < T0 - 10 * S || s.ts > T0 + 25 * S),
      },
      { state: 'unknown', reason: 'no heartbeat answered for 45s' },
    ],
    [
      "another session's heartbeats prove nothing about this one",
      {
        sessions: [longUp],
        samples: heartbeats({ leg: 'edge', id: 'other' }, window.from, window.to, 10 * S),
      },
      { state: 'unknown', reason: 'no heartbeat answered' },
    ],
  ])('%s', (_name, c, expected) => {
    expect(classify(c)).toEqual({ leg: 'edge', ...expected });
  });
});
