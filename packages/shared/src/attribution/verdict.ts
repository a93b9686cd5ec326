// Composes a verdict from plain facts: classify every leg over the window, find the suspects, judge the
// confidence, match the signatures, say it in one sentence. The server and the tests call the same two
// functions with the same kind of facts.
import type { Session } from '../protocol/session.js';
import type { Verdict } from '../protocol/verdict.js';
import { acrossTheDrops, classifyLeg } from './classify.js';
import { judgedWindow, reportedWindow } from './cluster.js';
import { judgeConfidence } from './confidence.js';
import { matchSignatures, proberStalled } from './signatures.js';
import { summarize } from './summary.js';
import { findSuspects } from './suspects.js';
import type { Drop, HeartbeatSample, ProberStall, TargetFacts, TimeWindow } from './types.js';

export interface JudgeFacts {
  target: TargetFacts;
  /** every session of the target overlapping the judged window */
  sessions: readonly Session[];
  /** recent closed sessions of the target's legs, for the signatures (any order) */
  recent: readonly Session[];
  /** heartbeats of the target's legs from sampleLookbackMs before the window to its end */
  samples: readonly HeartbeatSample[];
  /** hopwatch's own stalls overlapping the window, at every vantage (each only bears on its own legs) */
  stalls: readonly ProberStall[];
}

export interface ClusterFacts extends JudgeFacts {
  /** the drops of the cluster, any order; at least one */
  drops: readonly Drop[];
}

export interface ReportFacts extends JudgeFacts {
  /** when the user says they dropped */
  at: number;
  /** the target's drops in the reported window, any order */
  drops: readonly Drop[];
}

/**
 * The verdict on a drop cluster. `id` stays the same when the server judges it again (a drop joined, its
 * window passed); `final` (default true) says whether its window has passed.
 */
export function judgeCluster(
  facts: ClusterFacts,
  options: { judgedAt: number; id?: string; final?: boolean },
): Verdict {
  const drops = [...facts.drops].sort((a, b) => a.closedAt - b.closedAt);
  const first = drops[0];
  const last = drops[drops.length - 1];
  if (first === undefined || last === undefined)
    throw new RangeError('a drop cluster needs at least one drop');
  const window = judgedWindow(
    { firstAt: first.closedAt, lastAt: last.closedAt },
    facts.target.correlationWindowMs,
  );
  return compose('cluster', first.closedAt, window, drops, facts, {
    id: options.id ?? clusterVerdictId(facts.target.name, first),
    judgedAt: options.judgedAt,
    final: options.final ?? true,
    across: acrossTheDrops(drops, facts.target.legs, window),
  });
}

/** The verdict on a drop a user reported at `at`, judged with what is known at `judgedAt`. */
export function judgeReport(facts: ReportFacts, options: { judgedAt: number }): Verdict {
  const window = reportedWindow(facts.at, facts.target.correlationWindowMs, options.judgedAt);
  const drops = facts.drops
    .filter((d) => d.closedAt >= window.from && d.closedAt <= window.to)
    .sort((a, b) => a.closedAt - b.closedAt);
  return compose('reported', facts.at, window, drops, facts, {
    id: `reported:${facts.target.name}:${facts.at}`,
    judgedAt: options.judgedAt,
    final: true,
  });
}

export function clusterVerdictId(target: string, firstDrop: Drop): string {
  return `cluster:${target}:${firstDrop.id}`;
}

function compose(
  kind: Verdict['kind'],
  at: number,
  window: TimeWindow,
  drops: readonly Drop[],
  facts: JudgeFacts,
  identity: { id: string; judgedAt: number; final: boolean; across?: TimeWindow | undefined },
): Verdict {
  const { target } = facts;
  const legs = target.legs.map((leg) =>
    classifyLeg({
      leg,
      window,
      drops: drops.filter((d) => d.leg === leg.name),
      sessions: facts.sessions.filter((s) => s.leg === leg.name),
      samples: facts.samples.filter((s) => s.leg === leg.name),
      stalls: facts.stalls,
      ...(identity.across ? { across: identity.across } : {}),
    }),
  );
  const inState = (state: string) => legs.filter((leg) => leg.state === state).map((leg) => leg.leg);
  const dropped = inState('dropped');
  const clean = inState('clean');
  const unknown = inState('unknown');
  // A stall bears on the verdict only at a vantage whose legs it rests on (vantage-stalls.ts).
  const witnesses = [...dropped, ...clean];
  const stalled = proberStalled({ target, drops, stalls: facts.stalls, window, witnesses });
  const suspects = findSuspects({ target, dropped, clean, reported: kind === 'reported' });
  const signatures = matchSignatures({
    target,
    kind,
    window,
    drops,
    recent: facts.recent,
    samples: facts.samples,
    stalls: facts.stalls,
    witnesses,
    suspects,
  });
  return {
    id: identity.id,
    target: target.name,
    kind,
    at,
    from: window.from,
    to: window.to,
    dropped,
    clean,
    unknown,
    suspects,
    confidence: judgeConfidence({ suspects, unknown, proberStalled: stalled }),
    reasons: Object.fromEntries(legs.map((leg) => [leg.leg, leg.reason])),
    signatures,
    summary: summarize({ kind, suspects, legs, proberStalled: stalled }),
    sessionIds: drops.map((d) => d.id),
    // Attached later, when Prometheus answers (docs/spec.md#9-evidence-from-prometheus): a verdict never waits for it.
    evidence: [],
    judgedAt: identity.judgedAt,
    final: identity.final,
  };
}
