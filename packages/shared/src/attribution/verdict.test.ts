import { describe, expect, it } from 'vitest';
import {
  atVantages,
  type LegStory,
  legFacts,
  nestedTarget,
  S,
  story,
  T0,
  T3,
} from './test-support/fixtures.js';
import type { ProberStall, TargetFacts } from './types.js';
import { judgeCluster, judgeReport } from './verdict.js';

const JUDGED_AT = T0 + 60 * S;

function clusterVerdict(target: TargetFacts, legs: Record<string, LegStory>, stalls = [] as ProberStall[]) {
  const { drops, sessions, samples } = story(target, T0, legs);
  return judgeCluster(
    { target, drops, sessions, recent: sessions, samples, stalls },
    { judgedAt: JUDGED_AT },
  );
}

function reportVerdict(target: TargetFacts, legs: Record<string, LegStory>) {
  const { drops, sessions, samples } = story(target, T0, legs);
  return judgeReport(
    { target, at: T0, drops, sessions, recent: sessions, samples, stalls: [] },
    { judgedAt: JUDGED_AT },
  );
}

// Seed 003's attribution table, row by row: segments [last-mile, cloudflare, tunnel, traefik, dispatch, t3-serve],
// legs cloudflare (enters cloudflare), internal (enters traefik), t3serve (enters t3-serve).
describe('the seed 003 runbook as a table', () => {
  it.each<[string, Record<string, LegStory>, string[], string]>([
    [
      'only the outermost leg drops → the outer hops',
      { cloudflare: 'dropped', internal: 'clean', t3serve: 'clean' },
      ['cloudflare', 'tunnel', 'cloudflare:entry'],
      'cloudflare, tunnel or cloudflare:entry: cloudflare dropped while internal and t3serve stayed up',
    ],
    [
      'the two outer legs drop together → the middle hops',
      { cloudflare: 'dropped', internal: 'dropped', t3serve: 'clean' },
      ['traefik', 'dispatch'],
      'traefik or dispatch: cloudflare and internal dropped together while t3serve stayed up',
    ],
    [
      'every leg drops → the innermost hop',
      { cloudflare: 'dropped', internal: 'dropped', t3serve: 'dropped' },
      ['t3-serve'],
      't3-serve: cloudflare, internal and t3serve dropped together',
    ],
    [
      'one leg alone drops → its own entry',
      { cloudflare: 'clean', internal: 'dropped', t3serve: 'clean' },
      ['internal:entry'],
      'internal:entry: internal dropped while cloudflare and t3serve stayed up',
    ],
  ])('%s', (_name, legs, suspects, summary) => {
    const verdict = clusterVerdict(T3, legs);
    expect(verdict.suspects).toEqual(suspects);
    expect(verdict.confidence).toBe('high');
    expect(verdict.summary).toBe(summary);
    expect(verdict.kind).toBe('cluster');
  });

  it('all legs clean while a user reported a drop → last-mile, with high confidence', () => {
    const verdict = reportVerdict(T3, { cloudflare: 'clean', internal: 'clean', t3serve: 'clean' });
    expect(verdict).toMatchObject({
      kind: 'reported',
      at: T0,
      dropped: [],
      clean: ['cloudflare', 'internal', 't3serve'],
      unknown: [],
      suspects: ['last-mile'],
      confidence: 'high',
      summary: 'last-mile: cloudflare, internal and t3serve all stayed up when the drop was reported',
    });
  });

  it('a reported drop while the outermost leg dropped too → the outer hops, not last-mile', () => {
    const verdict = reportVerdict(T3, { cloudflare: 'dropped', internal: 'clean', t3serve: 'clean' });
    expect(verdict.suspects).toEqual(['cloudflare', 'tunnel']);
    expect(verdict.summary).toBe(
      'cloudflare or tunnel: cloudflare dropped around the reported time while internal and t3serve stayed up',
    );
  });
});

describe('partial knowledge lowers confidence', () => {
  it.each<[string, Record<string, LegStory>, string[], string[], 'low' | 'inconclusive']>([
    [
      'the innermost leg was already down',
      { cloudflare: 'dropped', internal: 'dropped', t3serve: 'down' },
      ['t3serve'],
      ['traefik', 'dispatch', 't3-serve'],
      'low',
    ],
    [
      'the innermost leg was connecting',
      { cloudflare: 'dropped', internal: 'dropped', t3serve: 'connecting' },
      ['t3serve'],
      ['traefik', 'dispatch', 't3-serve'],
      'low',
    ],
    [
      'the middle leg lost a heartbeat but kept its session',
      { cloudflare: 'dropped', internal: 'lost-heartbeat', t3serve: 'clean' },
      ['internal'],
      ['cloudflare', 'tunnel', 'traefik', 'dispatch', 'cloudflare:entry'],
      'low',
    ],
    [
      'every other leg unknown: nothing exonerates anything',
      { cloudflare: 'dropped', internal: 'down', t3serve: 'down' },
      ['internal', 't3serve'],
      ['cloudflare', 'tunnel', 'traefik', 'dispatch', 't3-serve', 'cloudflare:entry'],
      'low',
    ],
  ])('%s', (_name, legs, unknown, suspects, confidence) => {
    const verdict = clusterVerdict(T3, legs);
    expect(verdict.unknown).toEqual(unknown);
    expect(verdict.suspects).toEqual(suspects);
    expect(verdict.confidence).toBe(confidence);
  });

  it('names why a leg is unknown in the summary', () => {
    const verdict = clusterVerdict(T3, { cloudflare: 'dropped', internal: 'dropped', t3serve: 'down' });
    expect(verdict.summary).toBe(
      'traefik, dispatch or t3-serve: cloudflare and internal dropped together; t3serve (already down) unknown',
    );
  });
});

describe('a prober stall makes the verdict inconclusive', () => {
  it('when a drop was taken while hopwatch stalled', () => {
    const verdict = clusterVerdict(T3, {
      cloudflare: 'dropped-while-stalled',
      internal: 'clean',
      t3serve: 'clean',
    });
    expect(verdict.dropped).toEqual([]);
    expect(verdict.unknown).toEqual(['cloudflare']);
    expect(verdict.confidence).toBe('inconclusive');
    expect(verdict.signatures.map((s) => s.id)).toContain('prober-stall');
    expect(verdict.summary).toMatch(/^inconclusive: hopwatch itself stalled/);
  });

  it('when hopwatch stalled during the window, even though the evidence otherwise points somewhere', () => {
    const verdict = clusterVerdict(T3, { cloudflare: 'dropped', internal: 'dropped', t3serve: 'clean' }, [
      { ts: T0 - 2 * S, delayMs: 1_800 },
    ]);
    expect(verdict.suspects).toEqual(['traefik', 'dispatch']);
    expect(verdict.confidence).toBe('inconclusive');
    expect(verdict.signatures.find((s) => s.id === 'prober-stall')?.evidence).toEqual([
      "hopwatch's event loop stalled 1.8s at 11:59:58.000Z",
    ]);
  });

  it('not when the stall ended well before the window', () => {
    const verdict = clusterVerdict(T3, { cloudflare: 'dropped', internal: 'dropped', t3serve: 'clean' }, [
      { ts: T0 - 120 * S, delayMs: 1_800 },
    ]);
    expect(verdict.confidence).toBe('high');
  });

  it('a leg whose heartbeat was out during a stall is unknown, not clean', () => {
    // the stall covers every leg's heartbeat at the drop (T0), and only that one
    const verdict = clusterVerdict(T3, { cloudflare: 'dropped', internal: 'clean', t3serve: 'clean' }, [
      { ts: T0 + 500, delayMs: 1_500 },
    ]);
    expect(verdict.unknown).toEqual(['internal', 't3serve']);
    expect(verdict.reasons?.internal).toBe('1 heartbeat taken while hopwatch stalled');
    expect(verdict.confidence).toBe('inconclusive');
  });
});

// Seed 003 from two vantages (docs/vantages.md): cloudflare and internal probed from home, vps-cloudflare from
// the VPS. A stall is the vantage's that recorded it: it voids only that vantage's heartbeats, and makes the
// verdict inconclusive only when that vantage's legs are among those it rests on (dropped or clean).
describe('a prober stall at one of several vantages', () => {
  const target = atVantages(
    nestedTarget('t3', ['last-mile', 'cloudflare', 'tunnel', 'traefik', 'dispatch', 't3-serve'], {
      cloudflare: 'cloudflare',
      internal: 'traefik',
      'vps-cloudflare': 'cloudflare',
    }),
    { cloudflare: 'home', internal: 'home', 'vps-cloudflare': 'vps' },
  );
  const legs: Record<string, LegStory> = {
    cloudflare: 'dropped',
    internal: 'clean',
    'vps-cloudflare': 'clean',
  };
  // covers every leg's heartbeat at the drop (T0), and only that one
  const atTheDrop = (vantage: string): ProberStall => ({ ts: T0 + 500, delayMs: 1_500, vantage });
  // in the window, but out while no heartbeat was
  const beforeTheDrop = (vantage: string): ProberStall => ({ ts: T0 - 2 * S, delayMs: 1_800, vantage });
  const stalledHeartbeat = '1 heartbeat taken while hopwatch stalled';

  it.each<
    [string, ProberStall[], { unknown: Record<string, string>; confidence: string; proberStall: boolean }]
  >([
    ['no stall', [], { unknown: {}, confidence: 'high', proberStall: false }],
    [
      "at the VPS, over its heartbeat: only the VPS's leg is unknown, and the verdict rests on home's",
      [atTheDrop('vps')],
      { unknown: { 'vps-cloudflare': stalledHeartbeat }, confidence: 'low', proberStall: false },
    ],
    [
      "at home, over its heartbeat: home's clean leg is unknown, and home's dropped leg is evidence",
      [atTheDrop('home')],
      { unknown: { internal: stalledHeartbeat }, confidence: 'inconclusive', proberStall: true },
    ],
    [
      'at the VPS, over none of its heartbeats: its leg is clean, so the stall bears on the verdict',
      [beforeTheDrop('vps')],
      { unknown: {}, confidence: 'inconclusive', proberStall: true },
    ],
    [
      'at a vantage with no leg in this target',
      [atTheDrop('lab'), beforeTheDrop('lab')],
      { unknown: {}, confidence: 'high', proberStall: false },
    ],
  ])('%s', (_name, stalls, expected) => {
    const verdict = clusterVerdict(target, legs, stalls);
    expect(verdict.dropped).toEqual(['cloudflare']);
    expect(verdict.unknown).toEqual(Object.keys(expected.unknown));
    for (const [leg, reason] of Object.entries(expected.unknown)) expect(verdict.reasons?.[leg]).toBe(reason);
    expect(verdict.confidence).toBe(expected.confidence);
    expect(verdict.signatures.some((s) => s.id === 'prober-stall')).toBe(expected.proberStall);
  });
});

describe('a heartbeat hopwatch merely sent late', () => {
  it('is suspect for its RTT, yet its answer still proves the leg clean', () => {
    // 'stalled-heartbeat' marks the leg's heartbeat at the drop suspect, as a late send does; no stall recorded
    const verdict = clusterVerdict(T3, {
      cloudflare: 'dropped',
      internal: 'stalled-heartbeat',
      t3serve: 'clean',
    });
    expect(verdict.unknown).toEqual([]);
    expect(verdict.clean).toEqual(['internal', 't3serve']);
    expect(verdict.confidence).toBe('high');
  });
});

describe('explicit covers for paths that are not nested', () => {
  // Two CDNs in front of one origin: each leg crosses its own CDN and the shared origin, neither the other CDN.
  const segments = ['last-mile', 'cdn-a', 'cdn-b', 'lb', 'app'];
  const multiCdn: TargetFacts = {
    name: 'multi',
    segments,
    correlationWindowMs: 25 * S,
    legs: [
      legFacts('via-a', ['cdn-a', 'lb', 'app']),
      legFacts('via-b', ['cdn-b', 'lb', 'app']),
      legFacts('direct', ['app']),
    ],
  };

  it.each<[string, Record<string, LegStory>, string[]]>([
    [
      'only via-a drops → cdn-a (not cdn-b, which via-a never crosses)',
      { 'via-a': 'dropped', 'via-b': 'clean', direct: 'clean' },
      ['cdn-a', 'via-a:entry'],
    ],
    [
      'both CDN legs drop → the shared lb',
      { 'via-a': 'dropped', 'via-b': 'dropped', direct: 'clean' },
      ['lb'],
    ],
    ['every leg drops → app', { 'via-a': 'dropped', 'via-b': 'dropped', direct: 'dropped' }, ['app']],
  ])('%s', (_name, legs, suspects) => {
    expect(clusterVerdict(multiCdn, legs).suspects).toEqual(suspects);
  });
});

describe('verdict shape', () => {
  it('judges the window one correlation window either side of the cluster and lists the dropped sessions', () => {
    const { drops, sessions, samples } = story(T3, T0, {
      cloudflare: 'dropped',
      internal: 'dropped',
      t3serve: 'clean',
    });
    const verdict = judgeCluster(
      { target: T3, drops, sessions, recent: sessions, samples, stalls: [] },
      { judgedAt: JUDGED_AT, id: 'fixed-id' },
    );
    expect(verdict).toMatchObject({
      id: 'fixed-id',
      target: 't3',
      at: T0,
      from: T0 - 25 * S,
      to: T0 + 50 + 25 * S,
      sessionIds: drops.map((d) => d.id),
      judgedAt: JUDGED_AT,
    });
  });

  it('derives a stable id from the first drop when none is given', () => {
    const facts = story(T3, T0, { cloudflare: 'dropped', internal: 'clean', t3serve: 'clean' });
    const input = { target: T3, ...facts, recent: facts.sessions, stalls: [] };
    expect(judgeCluster(input, { judgedAt: 1 }).id).toBe(judgeCluster(input, { judgedAt: 2 }).id);
  });

  it('refuses an empty cluster', () => {
    expect(() =>
      judgeCluster(
        { target: T3, drops: [], sessions: [], recent: [], samples: [], stalls: [] },
        { judgedAt: 1 },
      ),
    ).toThrow(/at least one drop/);
  });

  it('the lab path: killing lb drops the edge and lb legs and names lb alone', () => {
    const lab = nestedTarget('lab', ['last-mile', 'edge', 'lb', 'app'], {
      edge: 'edge',
      lb: 'lb',
      app: 'app',
    });
    const verdict = clusterVerdict(lab, { edge: 'dropped', lb: 'dropped', app: 'clean' });
    expect(verdict.suspects).toEqual(['lb']);
    expect(verdict.summary).toBe('lb: edge and lb dropped together while app stayed up');
  });
});

describe('reasons', () => {
  it("says each leg's cause or reason", () => {
    const verdict = clusterVerdict(T3, { cloudflare: 'dropped', internal: 'down', t3serve: 'clean' });
    expect(verdict.reasons).toEqual({
      cloudflare: 'reset',
      internal: 'already down',
      t3serve: 'up, every heartbeat answered',
    });
  });
});

describe('final', () => {
  it('a cluster verdict is final unless the judge says its window is still open; a report is final', () => {
    const { drops, sessions, samples } = story(T3, T0, {
      cloudflare: 'dropped',
      internal: 'clean',
      t3serve: 'clean',
    });
    const facts = { target: T3, drops, sessions, recent: sessions, samples, stalls: [] };
    expect(judgeCluster(facts, { judgedAt: JUDGED_AT }).final).toBe(true);
    expect(judgeCluster(facts, { judgedAt: JUDGED_AT, final: false }).final).toBe(false);
    expect(reportVerdict(T3, { cloudflare: 'clean', internal: 'clean', t3serve: 'clean' }).final).toBe(true);
  });
});
