import { describe, expect, it } from 'vitest';
import { acrossTheDrops, classifyLeg, type LegClassification } from './classify.js';
import { drop, heartbeats, legFacts, S, session, T0 } from './test-support/fixtures.js';
import type { Drop, HeartbeatSample, ProberStall } from './types.js';

const leg = legFacts('edge', ['edge', 'lb', 'app'], { intervalMs: 10 * S, timeoutMs: 20 * S });
const window = { from: T0 - 25 * S, to: T0 + 25 * S };
const longUp = session({ leg: 'edge', openedAt: T0 - 3_600 * S });
const answeredThroughout = heartbeats(longUp, window.from - 5 * S, window.to, 10 * S);

function classify(c: {
  drops?: Drop[];
  sessions?: ReturnType<typeof session>[];
  samples?: HeartbeatSample[];
  stalls?: ProberStall[];
}) {
  return classifyLeg({
    leg,
    window,
    drops: c.drops ?? [],
    sessions: c.sessions ?? [],
    samples: c.samples ?? [],
    stalls: c.stalls ?? [],
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
      'heartbeats out while hopwatch stalled',
      {
        sessions: [longUp],
        samples: answeredThroughout,
        // from just before the third heartbeat was answered to the fourth's answer
        stalls: [{ ts: answeredThroughout[3]!.ts, delayMs: 10 * S + 10 }],
      },
      { state: 'unknown', reason: '2 heartbeats taken while hopwatch stalled' },
    ],
    [
      'heartbeats merely sent late (suspect for their RTT, no stall): their answers still prove life',
      {
        sessions: [longUp],
        samples: answeredThroughout.map((s, i) => ({ ...s, suspect: i >= 2 && i <= 3 })),
      },
      { state: 'clean', reason: 'up, every heartbeat answered' },
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

// Issue #11: a hop killed a few seconds after the legs connected. The leg that stayed up connected inside the
// window, yet it answered across the drops: it is clean, judged at the drops, not over the whole window.
describe('clean is judged at the drops', () => {
  const lb = legFacts('lb', ['lb', 'app'], { intervalMs: 2 * S, timeoutMs: 4 * S });
  const app = legFacts('app', ['app'], { intervalMs: 2 * S, timeoutMs: 4 * S });
  const wide = { from: T0 - 11 * S, to: T0 + 11 * S };
  const fresh = session({ leg: 'app', openedAt: T0 - 3 * S });
  const reset = drop('lb', T0, { cause: 'reset', durationMs: 3 * S });
  const timeout = drop('lb', T0, { cause: 'heartbeat_timeout', durationMs: 30 * S });

  function judge(drops: Drop[], sessions: ReturnType<typeof session>[], samples: HeartbeatSample[]) {
    const across = acrossTheDrops(drops, [lb, app], wide);
    return classifyLeg({
      leg: app,
      window: wide,
      drops: [],
      sessions,
      samples,
      ...(across ? { across } : {}),
    });
  }

  it.each<[string, Drop[], ReturnType<typeof session>[], HeartbeatSample[], Omit<LegClassification, 'leg'>]>([
    [
      'connected 3 s before a reset, answered through it and after',
      [reset],
      [fresh],
      heartbeats(fresh, T0 - 2 * S, T0 + 4 * S, 2 * S),
      { state: 'clean', reason: 'up, every heartbeat answered' },
    ],
    [
      'connected 3 s before a reset, but no reply since the drop yet (a provisional verdict)',
      [reset],
      [fresh],
      heartbeats(fresh, T0 - 2 * S, T0 - 1, 2 * S),
      { state: 'unknown', reason: 'no heartbeat answered since the drops yet' },
    ],
    [
      'a heartbeat timeout: the cut may lie timeout + interval before it, the leg connected after that',
      [timeout],
      [fresh],
      heartbeats(fresh, T0 - 2 * S, T0 + 4 * S, 2 * S),
      { state: 'unknown', reason: 'connecting during the window' },
    ],
    [
      'a heartbeat timeout, the leg up from before the possible cut and answering',
      [timeout],
      [session({ leg: 'app', openedAt: T0 - 7 * S, id: 'app-7' })],
      heartbeats({ leg: 'app', id: 'app-7' }, T0 - 6 * S, T0 + 2 * S, 2 * S),
      { state: 'clean', reason: 'up, every heartbeat answered' },
    ],
    [
      'the heartbeat due at the drop was lost',
      [reset],
      [fresh],
      heartbeats(fresh, T0 - 2 * S, T0 + 4 * S, 2 * S, (i) => (i === 1 ? null : 20)),
      { state: 'unknown', reason: '1 heartbeat lost' },
    ],
    [
      'a lost heartbeat after the first reply past the drops belongs to the next cluster',
      [reset],
      [fresh],
      heartbeats(fresh, T0 - 2 * S, T0 + 6 * S, 2 * S, (i) => (i === 3 ? null : 20)),
      { state: 'clean', reason: 'up, every heartbeat answered' },
    ],
    [
      'closed before the last drop',
      [reset, drop('lb', T0 + 2 * S, { cause: 'reset' })],
      [session({ leg: 'app', openedAt: T0 - 3 * S, closedAt: T0 + S, id: 'app-c' })],
      heartbeats({ leg: 'app', id: 'app-c' }, T0 - 2 * S, T0 + S, 2 * S),
      { state: 'unknown', reason: 'closed during the window' },
    ],
  ])('%s', (_name, drops, sessions, samples, expected) => {
    expect(judge(drops, sessions, samples)).toEqual({ leg: 'app', ...expected });
  });

  it('spans from the earliest possible cut to the last drop, inside the window', () => {
    expect(acrossTheDrops([reset], [lb, app], wide)).toEqual({ from: T0, to: T0 });
    expect(acrossTheDrops([timeout, drop('lb', T0 + 3 * S)], [lb, app], wide)).toEqual({
      from: T0 - 6 * S,
      to: T0 + 3 * S,
    });
    expect(
      acrossTheDrops([drop('lb', T0 - 10 * S, { cause: 'heartbeat_timeout' })], [lb, app], wide),
    ).toEqual({
      from: wide.from,
      to: T0 - 10 * S,
    });
    expect(acrossTheDrops([], [lb, app], wide)).toBeUndefined();
  });
});

// Several vantages share a store: a stall is the vantage's that recorded it, and held up only its own legs'
// heartbeats. The leg is probed from `home`; the stall runs from just before its third heartbeat was answered to
// its fourth's answer (as in 'heartbeats out while hopwatch stalled' above).
describe('a stall voids only heartbeats of its own vantage', () => {
  const home = { ...leg, vantage: 'home' };
  const sentAt = (i: number) => answeredThroughout[i]!.ts - answeredThroughout[i]!.rttMs!;

  it.each<[string, ProberStall, Omit<LegClassification, 'leg'>]>([
    [
      'a stall at the same vantage',
      { ts: answeredThroughout[3]!.ts, delayMs: 10 * S + 10, vantage: 'home' },
      { state: 'unknown', reason: '2 heartbeats taken while hopwatch stalled' },
    ],
    [
      'the same stall at another vantage',
      { ts: answeredThroughout[3]!.ts, delayMs: 10 * S + 10, vantage: 'vps' },
      { state: 'clean', reason: 'up, every heartbeat answered' },
    ],
    [
      'a stall at the same vantage, noticed as the heartbeat was sent',
      { ts: sentAt(4), delayMs: 1_500, vantage: 'home' },
      { state: 'unknown', reason: '1 heartbeat taken while hopwatch stalled' },
    ],
    [
      'a stall at the same vantage, noticed a millisecond before the heartbeat was sent',
      { ts: sentAt(4) - 1, delayMs: 1_500, vantage: 'home' },
      { state: 'clean', reason: 'up, every heartbeat answered' },
    ],
  ])('%s', (_name, stall, expected) => {
    const classified = classifyLeg({
      leg: home,
      window,
      drops: [],
      sessions: [longUp],
      samples: answeredThroughout,
      stalls: [stall],
    });
    expect(classified).toEqual({ leg: 'edge', ...expected });
  });
});
