import {
  EMPTY_HANDSHAKE,
  type HopEvent,
  type Outage,
  type RttResponse,
  type TargetView,
  type Verdict,
} from '@hopwatch/shared/protocol';
import { QueryClient } from '@tanstack/react-query';
import { beforeEach, describe, expect, it } from 'vitest';
import { targetKeys } from '../../features/legs/api/get-targets';
import { outageKeys } from '../../features/outages/api/get-outages';
import { rttKeys } from '../../features/rtt/api/get-rtt';
import { type SessionsPage, sessionKeys } from '../../features/timeline/api/get-sessions';
import { dropKeys } from '../../features/verdicts/api/get-drops';
import { sessionFixture } from '../../test-support/session';
import { applyLiveEvent } from './live-cache';

const NOW = 10_000_000;
const LIVE = { live: 3_600_000 };
const FIXED = { from: NOW - 7_200_000, to: NOW };

const session = sessionFixture;

function verdict(id: string, at: number): Verdict {
  return {
    id,
    target: 'lab',
    kind: 'cluster',
    at,
    from: at - 1_000,
    to: at + 1_000,
    dropped: ['edge'],
    clean: ['app'],
    unknown: [],
    suspects: ['edge'],
    confidence: 'high',
    signatures: [],
    summary: 'edge dropped',
    sessionIds: [],
    judgedAt: at,
    evidence: [],
    final: true,
  };
}

const target: TargetView = {
  name: 'lab',
  segments: ['last-mile', 'edge', 'lb', 'app'],
  correlationWindowMs: 10_000,
  legs: [
    {
      name: 'edge',
      url: 'ws://127.0.0.1:1/ws',
      enters: 'edge',
      covers: ['edge', 'lb', 'app', 'edge:entry'],
      heartbeat: { mode: 'ping', intervalMs: 1_000, timeoutMs: 3_000 },
      state: 'up',
      since: NOW - 60_000,
      outage: null,
      stats: { uptimeRatio1h: 1, drops1h: 0, failedAttempts1h: 0, rttP50Ms: 1, rttP99Ms: 2 },
    },
  ],
};

let client: QueryClient;

beforeEach(() => {
  client = new QueryClient();
  client.setQueryData(targetKeys.all, [target]);
  for (const range of [LIVE, FIXED]) {
    client.setQueryData<SessionsPage>(sessionKeys.list('lab', 'edge', range), {
      sessions: [session('s2', NOW - 60_000, null), session('s1', NOW - 3_700_000, NOW - 3_650_000, 'reset')],
      truncated: false,
    });
    client.setQueryData<RttResponse>(rttKeys.series('lab', 'edge', range), {
      step: 2_000,
      points: [{ t: NOW - 4_000, n: 1, min: 1, p50: 1, p99: 1, max: 1, lost: 0, suspect: 0 }],
    });
    client.setQueryData<Verdict[]>(dropKeys.list('lab', range), [verdict('v1', NOW - 30_000)]);
  }
});

const sessionsOf = (range: object) =>
  client
    .getQueryData<SessionsPage>(sessionKeys.list('lab', 'edge', range as typeof LIVE))
    ?.sessions.map((s) => s.id);
const rttOf = (range: object) =>
  client.getQueryData<RttResponse>(rttKeys.series('lab', 'edge', range as typeof LIVE));
const dropsOf = (range: object) =>
  client.getQueryData<Verdict[]>(dropKeys.list('lab', range as typeof LIVE))?.map((v) => v.id);

describe('applyLiveEvent', () => {
  it('session_close replaces the open session in the live window, trims what left it, and leaves history alone', () => {
    const closed = session('s2', NOW - 60_000, NOW - 1_000, 'reset');
    applyLiveEvent(
      client,
      { kind: 'session_close', ts: NOW - 1_000, target: 'lab', leg: 'edge', session: closed },
      NOW,
    );
    const live = client.getQueryData<SessionsPage>(sessionKeys.list('lab', 'edge', LIVE));
    expect(live?.sessions).toEqual([closed]);
    expect(sessionsOf(FIXED)).toEqual(['s2', 's1']);
  });

  it('session_open prepends, and a replayed open never reopens a closed session', () => {
    const open: HopEvent = {
      kind: 'session_open',
      ts: NOW,
      target: 'lab',
      leg: 'edge',
      sessionId: 's3',
      handshake: EMPTY_HANDSHAKE,
    };
    applyLiveEvent(client, open, NOW);
    expect(sessionsOf(LIVE)).toEqual(['s3', 's2']);
    applyLiveEvent(
      client,
      {
        kind: 'session_close',
        ts: NOW + 5,
        target: 'lab',
        leg: 'edge',
        session: session('s3', NOW, NOW + 5, 'reset'),
      },
      NOW + 5,
    );
    applyLiveEvent(client, open, NOW + 6);
    const live = client.getQueryData<SessionsPage>(sessionKeys.list('lab', 'edge', LIVE));
    expect(live?.sessions[0]?.closedAt).toBe(NOW + 5);
  });

  it('events of another leg or target change nothing', () => {
    const before = client.getQueryData(sessionKeys.list('lab', 'edge', LIVE));
    applyLiveEvent(
      client,
      {
        kind: 'session_close',
        ts: NOW,
        target: 'lab',
        leg: 'lb',
        session: { ...session('x', NOW - 5, NOW, 'reset'), leg: 'lb' },
      },
      NOW,
    );
    applyLiveEvent(
      client,
      {
        kind: 'session_close',
        ts: NOW,
        target: 'other',
        leg: 'edge',
        session: { ...session('y', NOW - 5, NOW, 'reset'), target: 'other' },
      },
      NOW,
    );
    expect(client.getQueryData(sessionKeys.list('lab', 'edge', LIVE))).toBe(before);
  });

  it('rtt merges into its bucket or appends a new one, in the live window only', () => {
    const rtt = (ts: number, rttMs: number | null): HopEvent => ({
      kind: 'rtt',
      ts,
      target: 'lab',
      leg: 'edge',
      sessionId: 's2',
      seq: 1,
      rttMs,
      suspect: false,
    });
    applyLiveEvent(client, rtt(NOW - 3_000, 3), NOW);
    expect(rttOf(LIVE)?.points).toHaveLength(1);
    expect(rttOf(LIVE)?.points[0]).toMatchObject({ n: 2, min: 1, max: 3 });
    applyLiveEvent(client, rtt(NOW - 1_000, null), NOW);
    expect(rttOf(LIVE)?.points).toHaveLength(2);
    expect(rttOf(LIVE)?.points[1]).toMatchObject({ t: NOW - 2_000, n: 0, lost: 1 });
    expect(rttOf(FIXED)?.points).toHaveLength(1);
  });

  it('rtt drops buckets that left the live window', () => {
    applyLiveEvent(
      client,
      {
        kind: 'rtt',
        ts: NOW + 3_600_000,
        target: 'lab',
        leg: 'edge',
        sessionId: 's',
        seq: 2,
        rttMs: 1,
        suspect: false,
      },
      NOW + 3_600_000,
    );
    expect(rttOf(LIVE)?.points.map((p) => p.t)).toEqual([NOW + 3_600_000]);
  });

  it('verdict prepends to the live drops and replaces a re-judged one', () => {
    applyLiveEvent(
      client,
      { kind: 'verdict', ts: NOW, target: 'lab', leg: null, verdict: verdict('v2', NOW - 1_000) },
      NOW,
    );
    expect(dropsOf(LIVE)).toEqual(['v2', 'v1']);
    applyLiveEvent(
      client,
      {
        kind: 'verdict',
        ts: NOW,
        target: 'lab',
        leg: null,
        verdict: { ...verdict('v1', NOW - 30_000), summary: 'again' },
      },
      NOW,
    );
    expect(dropsOf(LIVE)).toEqual(['v2', 'v1']);
    expect(client.getQueryData<Verdict[]>(dropKeys.list('lab', LIVE))?.[1]?.summary).toBe('again');
    expect(dropsOf(FIXED)).toEqual(['v1']);
  });

  it('leg_state updates the leg in the targets query', () => {
    applyLiveEvent(
      client,
      {
        kind: 'leg_state',
        ts: NOW,
        target: 'lab',
        leg: 'edge',
        state: 'down',
        since: NOW,
        retryAt: NOW + 1_000,
      },
      NOW,
    );
    expect(client.getQueryData<TargetView[]>(targetKeys.all)?.[0]?.legs[0]).toMatchObject({
      state: 'down',
      since: NOW,
    });
  });

  it('outage events keep the leg open outage and the live outage windows current; history is left alone', () => {
    for (const range of [LIVE, FIXED])
      client.setQueryData<Outage[]>(outageKeys.list('lab', 'edge', range), []);
    const open: Outage = {
      target: 'lab',
      leg: 'edge',
      since: NOW - 5_000,
      until: null,
      durationMs: null,
      firstCause: 'heartbeat_timeout',
      lastCause: 'connect_failed',
      attempts: 2,
      lastError: 'ETIMEDOUT',
      lastHttpStatus: null,
    };
    const event = (outage: Outage) => ({
      kind: 'outage' as const,
      ts: NOW,
      target: 'lab',
      leg: 'edge',
      outage,
    });
    applyLiveEvent(client, event(open), NOW);
    expect(client.getQueryData<TargetView[]>(targetKeys.all)?.[0]?.legs[0]?.outage).toMatchObject({
      since: NOW - 5_000,
      attempts: 2,
    });
    const ended = { ...open, until: NOW, durationMs: 5_000, attempts: 3 };
    applyLiveEvent(client, event(ended), NOW);
    expect(client.getQueryData<TargetView[]>(targetKeys.all)?.[0]?.legs[0]?.outage).toBeNull();
    expect(client.getQueryData<Outage[]>(outageKeys.list('lab', 'edge', LIVE))).toEqual([ended]);
    expect(client.getQueryData<Outage[]>(outageKeys.list('lab', 'edge', FIXED))).toEqual([]);
  });
});
