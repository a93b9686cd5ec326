import { describe, expect, it } from 'vitest';
import type { Cause } from '../protocol/causes.js';
import type { AlpnProbe, Session } from '../protocol/session.js';
import type { SignatureId, SignatureMatch } from '../protocol/verdict.js';
import {
  matchSignatures,
  proberStalled,
  RECENT_SESSIONS,
  SIGNATURES,
  type SignatureEvidence,
  sampleLookbackMs,
} from './signatures.js';
import { atVantages, drop, heartbeats, nestedTarget, S, session, T0, T3 } from './test-support/fixtures.js';
import type { Drop, HeartbeatSample, ProberStall, TargetFacts } from './types.js';

/** A lab-like target whose legs heartbeat every `intervalMs`. */
function labTarget(intervalMs = 10 * S): TargetFacts {
  return nestedTarget(
    'lab',
    ['last-mile', 'edge', 'lb', 'app'],
    { edge: 'edge', lb: 'lb', app: 'app' },
    {
      intervalMs,
      timeoutMs: 2 * intervalMs,
    },
  );
}

interface Case {
  target?: TargetFacts;
  drops: Drop[];
  recent?: Session[];
  samples?: HeartbeatSample[];
  stalls?: ProberStall[];
  witnesses?: string[];
  suspects?: string[];
}

function evidenceOf(c: Case): SignatureEvidence {
  const target = c.target ?? labTarget();
  const times = c.drops.map((d) => d.closedAt);
  const first = Math.min(...times);
  const last = Math.max(...times);
  return {
    target,
    kind: 'cluster',
    window: { from: first - target.correlationWindowMs, to: last + target.correlationWindowMs },
    drops: c.drops,
    recent: c.recent ?? [],
    samples: c.samples ?? [],
    stalls: c.stalls ?? [],
    ...(c.witnesses ? { witnesses: c.witnesses } : {}),
    suspects: c.suspects ?? [],
  };
}

function match(id: SignatureId, c: Case): SignatureMatch | null {
  const signature = SIGNATURES.find((s) => s.id === id);
  if (signature === undefined) throw new Error(`no signature ${id}`);
  return signature.match(evidenceOf(c));
}

/** Sessions on `leg` that the path ended at these ages, one a minute, the last of them at T0 (the judged drop). */
function endedAt(
  leg: string,
  agesMs: readonly number[],
  options: { cause?: Cause; silence?: (age: number) => number } = {},
) {
  return agesMs.map((ageMs, i) =>
    drop(leg, T0 - (agesMs.length - 1 - i) * 600 * S, {
      durationMs: ageMs,
      cause: options.cause ?? 'abnormal_close',
      silenceMs: options.silence?.(ageMs) ?? 1 * S,
    }),
  );
}

/** The judged cluster is the newest session; the rest is history. */
function history(sessions: Drop[]): Case {
  return { drops: sessions.slice(-1), recent: sessions.slice(0, -1) };
}

const components = (m: SignatureMatch | null) => m?.culprits.map((c) => `${c.component} ${c.knob}`) ?? [];

describe('the catalog is one table', () => {
  it('holds every signature of docs/spec.md#6-signature-catalog exactly once', () => {
    expect(SIGNATURES.map((s) => s.id).sort()).toEqual([
      'duration-cap',
      'h2-upgrade',
      'heartbeat-multiple',
      'idle-timeout',
      'mass-drop',
      'prober-stall',
      'stall-before-drop',
    ]);
  });
});

describe('duration-cap', () => {
  it.each<[string, number, number[], RegExp, string[]]>([
    [
      'a 30s cap under 10s heartbeats → GCP backend timeoutSec',
      10 * S,
      [30_100, 29_900, 30_000],
      /cut at ~30s despite heartbeats every 10s: a lifetime cap or a periodic restart, not an idle timeout/,
      ['GCP external HTTP(S) LB backend timeoutSec'],
    ],
    [
      'a 60s cut on a leg pinging every 10s is not an idle timeout: nginx and ALB are ruled out',
      10 * S,
      [60_000, 60_400, 59_700],
      /not an idle timeout; no known default is 60s/,
      ['Envoy max_connection_duration / max_stream_duration'],
    ],
    [
      'a 60s cut with traffic 1s before each cut, heartbeats every 2m: the traffic rules out a 60s idle timeout',
      120 * S,
      [60_000, 60_400, 59_700],
      /cut at ~60s despite traffic until shortly before each cut: a lifetime cap or a periodic restart, not an idle timeout; no known default is 60s/,
      ['Envoy max_connection_duration / max_stream_duration'],
    ],
    [
      'the lab cap: every session cut at 100.0s under 2s heartbeats → (possibly) Cloudflare',
      2 * S,
      [100_000, 100_000, 100_000],
      /cut at ~100s despite heartbeats every 2s: .*possibly Cloudflare proxy Proxy Read Timeout \(reported as a fixed WebSocket lifetime\) \(100s\)/,
      ['Cloudflare proxy Proxy Read Timeout (reported as a fixed WebSocket lifetime)'],
    ],
    [
      'a daily cut under heartbeats → the cloudflared autoupdate, not conntrack idle',
      10 * S,
      [86_400_000, 86_390_000, 86_420_000],
      /cloudflared --autoupdate-freq/,
      ['cloudflared --autoupdate-freq / --grace-period'],
    ],
    [
      'a 4h cap → Azure Front Door',
      10 * S,
      [14_400_000, 14_390_000, 14_380_000, 14_401_000],
      /Azure Front Door/,
      ['Azure Front Door maximum connection lifetime (fixed)'],
    ],
    [
      'repeats within 5% among other ages still match, on the judged drop',
      10 * S,
      [45_000, 100_000, 12_000, 99_000, 101_500],
      /cut at ~100s despite heartbeats/,
      ['Cloudflare proxy Proxy Read Timeout (reported as a fixed WebSocket lifetime)'],
    ],
  ])('matches: %s', (_name, intervalMs, ages, summary, culprits) => {
    const found = match('duration-cap', { ...history(endedAt('edge', ages)), target: labTarget(intervalMs) });
    expect(found?.summary).toMatch(summary);
    expect(components(found)).toEqual(culprits);
  });

  it('says which idle timeouts the heartbeats rule out', () => {
    const found = match('duration-cap', history(endedAt('edge', [60_000, 60_400, 59_700])));
    expect(found?.evidence).toEqual([
      '3 sessions on edge ended by the path (abnormal_close) at 59.7s, 60.4s, 60s',
      'edge heartbeats every 10s, so the path was never idle for 60s',
      expect.stringMatching(/^not an idle timeout, ruled out: nginx proxy_read_timeout \(60s\);.*AWS ALB/),
    ]);
  });

  it('shows an unverified culprit as possible', () => {
    const found = match('duration-cap', {
      ...history(endedAt('edge', [100_000, 100_200, 99_900])),
      target: labTarget(300 * S),
    });
    expect(found?.summary).toContain('possibly Cloudflare proxy Proxy Read Timeout');
    expect(found?.culprits.find((c) => c.component === 'Cloudflare proxy')?.verified).toBe(false);
  });

  it.each<[string, Case]>([
    ['only two sessions at that age', history(endedAt('edge', [30_000, 30_100]))],
    ['ages more than 5% apart', history(endedAt('edge', [100_000, 106_000, 112_000]))],
    [
      'history repeats but the judged drop ended at another age',
      history(endedAt('edge', [30_000, 30_100, 30_050, 47_000])),
    ],
    ['failed attempts have no age', history(endedAt('edge', [0, 0, 0], { cause: 'connect_failed' }))],
    [
      "hopwatch's own heartbeat timeout: the age is set by its watchdog, not by the path",
      history(endedAt('edge', [30_000, 30_100, 30_050], { cause: 'heartbeat_timeout' })),
    ],
    [
      'failed attempts handshake_rejected at the age of nothing',
      history(endedAt('edge', [30_000, 30_100, 30_050], { cause: 'handshake_rejected' })),
    ],
    [
      'mixed causes: one mechanism cuts one way',
      history([
        ...endedAt('edge', [30_000], { cause: 'reset' }),
        ...endedAt('edge', [30_100], { cause: 'remote_close' }),
        ...endedAt('edge', [30_050]),
      ]),
    ],
    [
      'the same close code is one mechanism, different codes are not',
      history([
        drop('edge', T0 - 1_200 * S, { durationMs: 30_000, cause: 'remote_close', closeCode: 1012 }),
        drop('edge', T0 - 600 * S, { durationMs: 30_100, cause: 'remote_close', closeCode: 1000 }),
        drop('edge', T0, { durationMs: 30_050, cause: 'remote_close', closeCode: 1012 }),
      ]),
    ],
    [
      'a hop closing every reconnect right after its 101: milliseconds are a refusal, not a cap',
      history(endedAt('edge', [12, 12, 12], { cause: 'remote_close', silence: () => 1 })),
    ],
    [
      'cut before anything crossed (silence = age): an idle timeout on a fixed heartbeat phase, not a cap',
      {
        ...history(endedAt('edge', [5_100, 5_050, 5_120], { silence: (a) => a })),
        target: labTarget(8 * S),
      },
    ],
    [
      'drops taken while hopwatch stalled',
      {
        drops: [drop('edge', T0, { durationMs: 30_000, suspect: true })],
        recent: endedAt('edge', [30_000, 30_100]),
      },
    ],
    [
      `the same age only among sessions older than the ${RECENT_SESSIONS} newest`,
      history(
        endedAt('edge', [
          30_000,
          30_100,
          ...Array.from({ length: RECENT_SESSIONS - 1 }, (_, i) => 5_000 * (i + 2)),
          30_050,
        ]),
      ),
    ],
    [
      'repeats on a leg that did not drop now',
      { drops: [drop('lb', T0, { durationMs: 5_000 })], recent: endedAt('edge', [30_000, 30_100, 30_050]) },
    ],
  ])('does not match: %s', (_name, c) => {
    expect(match('duration-cap', c)).toBeNull();
  });
});

describe('idle-timeout', () => {
  const idleCut = (leg: string, silences: number[]) => endedAt(leg, silences, { silence: (a) => a }); // cut in the first gap: age == silence

  it.each<[string, number, number[], RegExp, string[]]>([
    [
      '60s of silence, heartbeats every 2m → nginx / ALB; heartbeat more often than 60s',
      120 * S,
      [60_000, 60_300, 59_800],
      /^an idle timeout of ~60s on the path \(.*\) cuts edge between heartbeats: heartbeat more often than 60s \(e\.g\. every 30s\), or raise the knob$/,
      ['nginx', 'nginx', 'ingress-nginx', 'AWS ALB', 'Phoenix'],
    ],
    [
      '350s of silence, heartbeats every 10m → NLB or NAT gateway',
      600 * S,
      [350_000, 349_000, 351_000],
      /more often than 350s/,
      ['AWS NLB', 'AWS NAT Gateway'],
    ],
    [
      '300s → Envoy stream idle or Azure Front Door',
      600 * S,
      [300_000, 300_500, 299_000],
      /~300s/,
      ['Envoy', 'Azure Front Door'],
    ],
    [
      '47s, no known default: still says which heartbeat keeps it alive',
      120 * S,
      [47_000, 47_200, 46_900],
      /^an idle timeout of ~47s on the path cuts edge between heartbeats: heartbeat more often than 47s \(e\.g\. every 23s\)/,
      [],
    ],
  ])('matches: %s', (_name, intervalMs, silences, summary, culprits) => {
    const found = match('idle-timeout', {
      ...history(idleCut('edge', silences)),
      target: labTarget(intervalMs),
    });
    expect(found?.summary).toMatch(summary);
    expect(found?.culprits.map((c) => c.component)).toEqual(culprits);
  });

  it.each<[string, number, Drop[]]>([
    [
      'heartbeats more often than the silence: the path was not idle',
      30 * S,
      idleCut('edge', [60_000, 60_300, 59_800]),
    ],
    ['silences more than 5% apart', 120 * S, idleCut('edge', [30_000, 45_000, 60_000])],
    [
      'no silence recorded',
      120 * S,
      endedAt('edge', [60_000, 60_000, 60_000], { silence: () => Number.NaN }).map((s) => ({
        ...s,
        silenceMs: null,
      })),
    ],
    [
      'silences of a millisecond: a hop closing every reconnect right after its 101, not an idle timer',
      120 * S,
      endedAt('edge', [3, 3, 3], { cause: 'remote_close', silence: () => 1 }),
    ],
    [
      "hopwatch's own heartbeat timeout: the silence is its watchdog's, not an idle timer on the path",
      120 * S,
      endedAt('edge', [60_000, 60_300, 59_800], { cause: 'heartbeat_timeout', silence: (a) => a }),
    ],
    [
      'mixed causes: one mechanism cuts one way',
      120 * S,
      [
        ...endedAt('edge', [60_000], { cause: 'reset', silence: (a) => a }),
        ...endedAt('edge', [60_300], { cause: 'remote_close', silence: (a) => a }),
        ...idleCut('edge', [59_800]),
      ],
    ],
    [
      'a 95s cap under 10s heartbeats always cuts 5s after a heartbeat: the phase of a cap, not an idle timer',
      10 * S,
      endedAt('edge', [95_000, 95_100, 94_950], { silence: () => 5_000 }),
    ],
  ])('does not match: %s', (_name, intervalMs, sessions) => {
    expect(match('idle-timeout', { ...history(sessions), target: labTarget(intervalMs) })).toBeNull();
  });
});

describe('heartbeat-multiple', () => {
  it.each<[string, number[], Cause, RegExp, string[]]>([
    [
      '110s = 2 × 55s: Home Assistant / aiohttp (seed 000)',
      [110_000, 109_600],
      'abnormal_close',
      /end at ~110s, 2 × the 55s heartbeat of Home Assistant core/,
      ['Home Assistant core (aiohttp)'],
    ],
    [
      '82.5s = 1.5 × 55s: newer aiohttp',
      [82_400, 82_700],
      'abnormal_close',
      /1\.5 × the 55s heartbeat/,
      ['Home Assistant core (aiohttp)'],
    ],
    ['45s: socket.io ping timeout', [45_000, 45_300], 'remote_close', /socket\.io/, ['socket.io']],
    [
      "20s = 2 × the leg's own 10s heartbeat",
      [20_100, 19_900],
      'remote_close',
      /2 × edge's own 10s heartbeat/,
      [],
    ],
  ])('matches: %s', (_name, ages, cause, summary, culprits) => {
    // A first session at another age: the ones at the multiple are reconnects after a drop, independent starts.
    const found = match('heartbeat-multiple', history(endedAt('edge', [7_000, ...ages], { cause })));
    expect(found?.summary).toMatch(summary);
    expect(found?.summary).toContain("the far side's heartbeat gave up");
    expect(found?.culprits.map((c) => c.component)).toEqual(culprits);
  });

  it.each<[string, Drop[]]>([
    [
      "hopwatch's own heartbeat timeout is not a peer giving up",
      endedAt('edge', [110_000, 110_000], { cause: 'heartbeat_timeout' }),
    ],
    ['one session is a coincidence', endedAt('edge', [110_000])],
    ['70s is no known multiple', endedAt('edge', [70_000, 70_100])],
    ['the judged drop is not at the multiple', endedAt('edge', [110_000, 110_000, 64_000])],
    [
      'the first session of a history has no known start: one reconnect at the age is not two',
      endedAt('edge', [45_000, 45_300]),
    ],
  ])('does not match: %s', (_name, sessions) => {
    expect(match('heartbeat-multiple', history(sessions))).toBeNull();
  });

  it('does not match sessions that began as hopwatch (re)started, however many (two lab resets after restarts)', () => {
    // Each 45s session follows one hopwatch closed (cause null): its start shares hopwatch's clock.
    const restarts = [T0 - 1_200 * S, T0 - 600 * S, T0, T0 + 600 * S].flatMap((closedAt) => [
      session({ leg: 'edge', openedAt: closedAt - 60 * S, closedAt: closedAt - 50 * S, cause: null }),
      ...(closedAt < T0 + 600 * S ? [drop('edge', closedAt, { durationMs: 45_000, cause: 'reset' })] : []),
    ]);
    const judged = drop('edge', T0 + 600 * S, { durationMs: 45_000, cause: 'reset' });
    expect(match('heartbeat-multiple', { drops: [judged], recent: [...restarts, judged] })).toBeNull();
  });

  it('matches the same sessions when they are reconnects after drops', () => {
    const reconnects = [T0 - 1_200 * S, T0 - 600 * S, T0].flatMap((closedAt) => [
      drop('edge', closedAt - 50 * S, { durationMs: 7_000, cause: 'reset' }),
      drop('edge', closedAt, { durationMs: 45_000, cause: 'reset' }),
    ]);
    expect(match('heartbeat-multiple', history(reconnects))?.culprits.map((c) => c.component)).toEqual([
      'socket.io',
    ]);
  });
});

describe('stall-before-drop', () => {
  /** A session on edge whose heartbeats (every `every` ms up to the drop) had these RTTs, then timed out. */
  function timedOut(
    rtts: readonly (number | null)[],
    every = 10 * S,
    options: { suspect?: boolean; cause?: Cause } = {},
  ): Case {
    const closedAt = T0;
    const d = drop('edge', closedAt, { cause: options.cause ?? 'heartbeat_timeout', durationMs: 3_600 * S });
    const from = closedAt - 2 * every - (rtts.length - 1) * every;
    const samples = heartbeats(
      d,
      from,
      from + (rtts.length - 1) * every,
      every,
      (i) => rtts[i] ?? null,
      () => options.suspect ?? false,
    );
    return { target: labTarget(every), drops: [d], samples };
  }

  it.each<[string, Case, RegExp]>([
    [
      'RTT doubling for 40s, then the timeout (seed 000 backpressure)',
      timedOut([20, 21, 19, 20, 22, 20, 40, 80, 160, 320, 640, null]),
      /^RTT on edge climbed 32× over 50s before its heartbeat timed out: a flow-control or event-loop stall/,
    ],
    [
      'a steady ramp at a 200ms heartbeat (the lab)',
      timedOut([5, 5, 6, 5, 5, 20, 35, 50, 70, 90], 200),
      /climbed 18× over 1s/,
    ],
    [
      'a jump that then holds (a full buffer)',
      timedOut([15, 15, 16, 15, 15, 15, 400, 410, 405, 420]),
      /climbed/,
    ],
  ])('matches: %s', (_name, c, summary) => {
    const found = match('stall-before-drop', c);
    expect(found?.summary).toMatch(summary);
    expect(found?.culprits.map((x) => x.knob)).toEqual(['per_connection_buffer_limit_bytes']);
    expect(found?.evidence[0]).toMatch(
      /^edge: RTT rose from \d+(\.\d)?ms to \d+ms over [\d.]+s, then the heartbeat timed out at 12:00:00\.000Z$/,
    );
  });

  it.each<[string, Case]>([
    [
      'flat RTT, then silence: a blackhole or a cut',
      timedOut([20, 21, 19, 20, 22, 20, 20, 21, 20, null, null]),
    ],
    [
      'the same climb ended by a reset is not a timeout',
      timedOut([20, 21, 19, 20, 22, 20, 40, 80, 160, 320, 640], 10 * S, { cause: 'reset' }),
    ],
    ['one late reply is a spike, not a climb', timedOut([20, 21, 19, 20, 22, 20, 20, 21, 20, 500])],
    [
      'loopback jitter tripling from 0.2ms is not a climb',
      timedOut([0.2, 0.3, 0.2, 0.25, 0.2, 0.2, 0.9, 1.0, 1.1]),
    ],
    [
      'heartbeats taken while hopwatch stalled prove nothing',
      timedOut([20, 21, 19, 20, 22, 20, 40, 80, 160, 320, 640], 10 * S, { suspect: true }),
    ],
    [
      'high but erratic RTT is congestion, not a growing stall',
      timedOut([20, 20, 20, 20, 20, 20, 300, 70, 320, 65, 310, 70]),
    ],
    ['too few heartbeats to tell', timedOut([20, 80, 160, 320])],
  ])('does not match: %s', (_name, c) => {
    expect(match('stall-before-drop', c)).toBeNull();
  });
});

describe('mass-drop', () => {
  it.each<[string, Case, RegExp, string[]]>([
    [
      'two legs reset within 300ms',
      { drops: [drop('edge', T0), drop('lb', T0 + 300)], suspects: ['lb'] },
      /^edge and lb dropped within the same second: lb restarted or dropped every connection at once/,
      ['cloudflared', 'cloudflared', 'Cloudflare proxy', 'nginx / ingress-nginx', 'HAProxy', 'Envoy'],
    ],
    [
      'seed 003: the tunnel restarts and the cloudflare segment names cloudflared',
      {
        target: T3,
        drops: [
          drop('cloudflare', T0, { cause: 'remote_close', closeCode: 1001 }),
          drop('internal', T0 + 20),
        ],
        suspects: ['cloudflare', 'tunnel'],
      },
      /cloudflare or tunnel restarted/,
      ['cloudflared', 'cloudflared', 'Cloudflare proxy'],
    ],
  ])('matches: %s', (_name, c, summary, culprits) => {
    const found = match('mass-drop', c);
    expect(found?.summary).toMatch(summary);
    expect(found?.culprits.map((x) => x.component)).toEqual(culprits);
  });

  it('notes close codes that say the far side was going away', () => {
    const found = match('mass-drop', {
      drops: [
        drop('edge', T0, { cause: 'remote_close', closeCode: 1012 }),
        drop('lb', T0 + 5, { cause: 'remote_close', closeCode: 1012 }),
      ],
    });
    expect(found?.evidence).toEqual([
      'edge and lb dropped within 5ms (remote_close) at 12:00:00.000Z',
      'close codes 1012: the far side said it was going away',
    ]);
  });

  it.each<[string, Case]>([
    [
      'two legs timing out 5s apart',
      {
        drops: [
          drop('edge', T0, { cause: 'heartbeat_timeout' }),
          drop('lb', T0 + 5 * S, { cause: 'heartbeat_timeout' }),
        ],
      },
    ],
    [
      "heartbeat timeouts within the same second: their moment is hopwatch's heartbeat phase (a frozen app)",
      {
        drops: [
          drop('edge', T0, { cause: 'heartbeat_timeout' }),
          drop('lb', T0 + 300, { cause: 'heartbeat_timeout' }),
          drop('app', T0 + 500, { cause: 'heartbeat_timeout' }),
        ],
      },
    ],
    [
      'one leg dropping three times in a second',
      { drops: [drop('edge', T0), drop('edge', T0 + 200), drop('edge', T0 + 400)] },
    ],
    [
      'legs that were already down failing to connect',
      {
        drops: [
          drop('edge', T0, { cause: 'connect_failed', durationMs: 0 }),
          drop('lb', T0 + 10, { cause: 'connect_failed', durationMs: 0 }),
        ],
      },
    ],
    [
      'drops taken while hopwatch stalled',
      { drops: [drop('edge', T0, { suspect: true }), drop('lb', T0 + 10, { suspect: true })] },
    ],
  ])('does not match: %s', (_name, c) => {
    expect(match('mass-drop', c)).toBeNull();
  });
});

describe('h2-upgrade', () => {
  const probe = (selected: string | null): AlpnProbe => ({
    checkedAt: T0 - 60 * S,
    selected,
    extendedConnect: false,
    error: null,
  });
  const rejected = (status: number, handshake: Partial<Session['handshake']> = {}) =>
    drop('edge', T0, { cause: 'handshake_rejected', durationMs: 0, httpStatus: status, handshake });

  it.each<[string, Case, string]>([
    [
      '400 while the ALPN check saw h2 selected (seed 001)',
      { drops: [rejected(400, { alpn: 'http/1.1', alpnProbe: probe('h2') })] },
      'the server selects h2, extended CONNECT not advertised',
    ],
    [
      '400, and an earlier session of the leg recorded the h2 check',
      {
        drops: [rejected(400)],
        recent: [
          session({
            leg: 'edge',
            openedAt: T0 - 600 * S,
            closedAt: T0 - 300 * S,
            handshake: { alpnProbe: probe('h2') },
          }),
        ],
      },
      'the server selects h2',
    ],
    [
      '400 on a connection that negotiated h2 itself',
      { drops: [rejected(400, { alpn: 'h2' })] },
      'the connection negotiated ALPN h2',
    ],
  ])('matches: %s', (_name, c, evidence) => {
    const found = match('h2-upgrade', c);
    expect(found?.summary).toMatch(
      /^the WebSocket upgrade on edge is answered 400 while the server negotiates ALPN h2/,
    );
    expect(found?.evidence[0]).toContain(evidence);
    expect(found?.culprits.map((x) => x.knob)).toEqual(['RFC 8441 SETTINGS_ENABLE_CONNECT_PROTOCOL']);
  });

  it.each<[string, Case]>([
    ['400 while the server selects http/1.1', { drops: [rejected(400, { alpnProbe: probe('http/1.1') })] }],
    ['400 on a ws:// leg with no ALPN facts', { drops: [rejected(400)] }],
    ['403 (a missing upgrade config), even over h2', { drops: [rejected(403, { alpnProbe: probe('h2') })] }],
    ['a 502 from a proxy whose upstream is down', { drops: [rejected(502, { alpnProbe: probe('h2') })] }],
  ])('does not match: %s', (_name, c) => {
    expect(match('h2-upgrade', c)).toBeNull();
  });
});

describe('prober-stall', () => {
  it.each<[string, Case, string[]]>([
    [
      'a drop taken while hopwatch stalled',
      { drops: [drop('edge', T0, { suspect: true })] },
      ['edge dropped while hopwatch itself was stalled'],
    ],
    [
      'a stall inside the window',
      { drops: [drop('edge', T0)], stalls: [{ ts: T0 - 3 * S, delayMs: 2_500 }] },
      ["hopwatch's event loop stalled 2.5s at 11:59:57.000Z"],
    ],
    [
      'a stall that began before the window and ended in it',
      { drops: [drop('edge', T0)], stalls: [{ ts: T0 - 24 * S, delayMs: 10 * S }] },
      ["hopwatch's event loop stalled 10s at 11:59:36.000Z"],
    ],
  ])('matches: %s', (_name, c, evidence) => {
    const found = match('prober-stall', c);
    expect(found?.summary).toMatch(
      /^hopwatch itself stalled.*: these drops are not evidence against the path$/,
    );
    expect(found?.evidence).toEqual(evidence);
  });

  it.each<[string, Case]>([
    ['no stall at all', { drops: [drop('edge', T0)] }],
    [
      'a stall that ended before the window',
      { drops: [drop('edge', T0)], stalls: [{ ts: T0 - 60 * S, delayMs: 2_000 }] },
    ],
    [
      'a stall that began after the window',
      { drops: [drop('edge', T0)], stalls: [{ ts: T0 + 40 * S, delayMs: 2_000 }] },
    ],
  ])('does not match: %s', (_name, c) => {
    expect(match('prober-stall', c)).toBeNull();
    expect(proberStalled(evidenceOf(c))).toBe(false);
  });
});

// Several vantages share a store: edge and lb are probed from home, app from the VPS. A stall (or a drop taken
// while stalled) bears on the verdict only at a vantage whose legs it rests on (`witnesses`: dropped or clean).
describe('prober-stall with several vantages', () => {
  const target = atVantages(labTarget(), { edge: 'home', lb: 'home', app: 'vps' });
  const inWindow = (vantage: string): ProberStall => ({ ts: T0 - 3 * S, delayMs: 2_500, vantage });

  it.each<[string, Case, string[]]>([
    [
      'a stall at the vantage of the dropped leg',
      { target, drops: [drop('edge', T0)], witnesses: ['edge'], stalls: [inWindow('home')] },
      ["hopwatch's event loop stalled 2.5s at 11:59:57.000Z (vantage home)"],
    ],
    [
      "a stall at the vantage of a clean leg, only that vantage's",
      {
        target,
        drops: [drop('edge', T0)],
        witnesses: ['edge', 'app'],
        stalls: [inWindow('vps'), inWindow('elsewhere')],
      },
      ["hopwatch's event loop stalled 2.5s at 11:59:57.000Z (vantage vps)"],
    ],
    [
      'a drop taken while stalled at the vantage of a dropped leg',
      { target, drops: [drop('edge', T0), drop('lb', T0, { suspect: true })], witnesses: ['edge'] },
      ['lb dropped while hopwatch itself was stalled'],
    ],
    [
      'a stall when the verdict rests on no leg at all: every stall counts',
      { target, drops: [drop('app', T0, { suspect: true })], witnesses: [], stalls: [inWindow('home')] },
      [
        "hopwatch's event loop stalled 2.5s at 11:59:57.000Z (vantage home)",
        'app dropped while hopwatch itself was stalled',
      ],
    ],
    [
      'a stall at any vantage with legs here, when the witnesses are not given',
      { target, drops: [drop('edge', T0)], stalls: [inWindow('vps')] },
      ["hopwatch's event loop stalled 2.5s at 11:59:57.000Z (vantage vps)"],
    ],
  ])('matches: %s', (_name, c, evidence) => {
    expect(match('prober-stall', c)?.evidence).toEqual(evidence);
    expect(proberStalled(evidenceOf(c))).toBe(true);
  });

  it.each<[string, Case]>([
    [
      'a stall at a vantage none of whose legs dropped or stayed clean',
      { target, drops: [drop('edge', T0)], witnesses: ['edge', 'lb'], stalls: [inWindow('vps')] },
    ],
    [
      'a drop taken while stalled at a vantage none of whose legs dropped or stayed clean',
      { target, drops: [drop('edge', T0), drop('app', T0, { suspect: true })], witnesses: ['edge'] },
    ],
    [
      'a stall at a vantage with no leg here, when the witnesses are not given',
      { target, drops: [drop('edge', T0)], stalls: [inWindow('elsewhere')] },
    ],
  ])('does not match: %s', (_name, c) => {
    expect(match('prober-stall', c)).toBeNull();
    expect(proberStalled(evidenceOf(c))).toBe(false);
  });
});

describe('matchSignatures', () => {
  it('returns every match in catalog order', () => {
    const c: Case = {
      drops: [drop('edge', T0, { durationMs: 30_000 }), drop('lb', T0 + 100, { durationMs: 5_000 })],
      recent: endedAt('edge', [30_000, 30_100], { cause: 'reset' }),
      stalls: [{ ts: T0, delayMs: 1_500 }],
    };
    // 30s is both a cap and 3 × edge's own 10s heartbeat: both readings are offered.
    expect(matchSignatures(evidenceOf(c)).map((m) => m.id)).toEqual([
      'duration-cap',
      'heartbeat-multiple',
      'mass-drop',
      'prober-stall',
    ]);
  });

  it('fetches heartbeats 20 intervals back, at least a minute, at most 10 minutes', () => {
    expect(sampleLookbackMs(labTarget(10 * S))).toBe(200 * S);
    expect(sampleLookbackMs(labTarget(60 * S))).toBe(600 * S);
    expect(sampleLookbackMs(labTarget(400))).toBe(60 * S);
  });
});
