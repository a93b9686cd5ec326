// Each leg over a judged window is `dropped`, `clean` or `unknown` (docs/spec.md#1-concepts):
//   dropped  it has a drop in the cluster that hopwatch did not take while stalled
//   clean    one session was up across the drops (from the earliest moment the path may have been cut to the
//            last drop), every heartbeat from then until its first reply after the drops was answered, and
//            replies came at least every interval + timeout. When it connected does not matter: a leg that
//            connected a second before the cut and answered through it is as good a witness as an old one.
//   unknown  everything else: connecting, already down, heartbeats lost, or heartbeats out while hopwatch stalled
// A heartbeat merely sent late (an rtt sample `suspect` for its lateness, docs/spec.md#1-concepts) still proves
// life: its RTT measured hopwatch's backlog, but the ping left when it was sent and the answer crossed the path
// after it. Only a stall longer than `stallThreshold` (a recorded prober_stall) while it was out voids it, and
// only a stall of the leg's own vantage: another instance's event loop never timed this leg's heartbeats.
// Only a clean leg exonerates the segments it covers, so anything short of proof of life is unknown, never clean.

import type { Session } from '../protocol/session.js';
import { formatDuration } from '../time/duration.js';
import { plural } from './text.js';
import type { Drop, HeartbeatSample, LegFacts, ProberStall, TimeWindow } from './types.js';
import { stalledProberOf } from './vantage-stalls.js';

export const LEG_CLASSES = ['dropped', 'clean', 'unknown'] as const;
export type LegClass = (typeof LEG_CLASSES)[number];

export interface LegClassification {
  leg: string;
  state: LegClass;
  /** why, in a few words, e.g. "already down", "2 heartbeats lost" */
  reason: string;
}

export interface LegWindowEvidence {
  leg: LegFacts;
  window: TimeWindow;
  /** the cluster's drops on this leg */
  drops: readonly Drop[];
  /** the leg's sessions overlapping the window */
  sessions: readonly Session[];
  /** the leg's heartbeats; those outside the window are ignored */
  samples: readonly HeartbeatSample[];
  /**
   * the span the leg must have been up and answering across to be clean (see acrossTheDrops); default: the
   * whole window with no reply required after it (a reported drop)
   */
  across?: TimeWindow;
  /**
   * hopwatch's own stalls around the window, at any vantage: a heartbeat out during one of its own vantage's
   * proves nothing (default: none)
   */
  stalls?: readonly ProberStall[];
}

/**
 * The span a clean leg must cover for a cluster: from the earliest moment the path may have been cut to the
 * last drop. A heartbeat timeout is noticed up to timeout + interval after the cut (the last reply came at
 * most that long before), any other cause at once. Never wider than the window.
 */
export function acrossTheDrops(
  drops: readonly Drop[],
  legs: readonly LegFacts[],
  window: TimeWindow,
): TimeWindow | undefined {
  if (drops.length === 0) return undefined;
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const drop of drops) {
    const leg = legs.find((l) => l.name === drop.leg);
    const noticedAfter =
      drop.cause === 'heartbeat_timeout' && leg ? leg.heartbeatTimeoutMs + leg.heartbeatIntervalMs : 0;
    from = Math.min(from, drop.closedAt - noticedAfter);
    to = Math.max(to, drop.closedAt);
  }
  return { from: Math.max(window.from, from), to: Math.min(window.to, to) };
}

export function classifyLeg(evidence: LegWindowEvidence): LegClassification {
  const { leg, window } = evidence;
  const blamable = evidence.drops.filter((drop) => !drop.suspect);
  if (blamable.length > 0) {
    const causes = [...new Set(blamable.map((drop) => drop.cause))].join(', ');
    return { leg: leg.name, state: 'dropped', reason: causes };
  }
  if (evidence.drops.length > 0) {
    return { leg: leg.name, state: 'unknown', reason: 'dropped while hopwatch itself stalled' };
  }

  // A cluster's legs are judged across its drops and must answer after them; a reported drop's across the
  // whole window, which ends at most at now.
  const across = evidence.across ?? window;
  const replyAfter = evidence.across !== undefined;
  const sessions = evidence.sessions.filter((s) => s.leg === leg.name);
  const through = sessions.find(
    (s) => s.openedAt <= across.from && (s.closedAt === null || s.closedAt >= across.to),
  );
  if (through === undefined) return { leg: leg.name, state: 'unknown', reason: whyNotUp(sessions, across) };

  const stalled = outDuringStall(leg, evidence.stalls ?? []);
  const ofSession = evidence.samples.filter(
    (s) => s.leg === leg.name && s.sessionId === through.id && s.ts >= across.from && s.ts <= window.to,
  );
  // The proof of life after the drops: the first reply at or after the last one. Later heartbeats are for
  // the next cluster to judge.
  const proof = ofSession
    .filter((s) => s.rttMs !== null && !stalled(s) && s.ts >= across.to)
    .reduce<HeartbeatSample | undefined>(
      (first, s) => (first === undefined || s.ts < first.ts ? s : first),
      undefined,
    );
  if (replyAfter && proof === undefined) {
    return { leg: leg.name, state: 'unknown', reason: 'no heartbeat answered since the drops yet' };
  }
  const end = replyAfter && proof ? proof.ts : across.to;
  const inWindow = ofSession.filter((s) => s.ts <= end);
  const suspect = inWindow.filter(stalled).length;
  if (suspect > 0) {
    return {
      leg: leg.name,
      state: 'unknown',
      reason: `${plural(suspect, 'heartbeat')} taken while hopwatch stalled`,
    };
  }
  const lost = inWindow.filter((s) => s.rttMs === null).length;
  if (lost > 0) return { leg: leg.name, state: 'unknown', reason: `${plural(lost, 'heartbeat')} lost` };
  const answered = inWindow.map((s) => s.ts).sort((a, b) => a - b);
  if (answered.length === 0) return { leg: leg.name, state: 'unknown', reason: 'no heartbeat answered' };

  // Lost heartbeats are recorded, but a gap is the proof that nothing went unrecorded: a reply at least every
  // interval + timeout, counting from the window's edges too.
  const allowedGap = leg.heartbeatIntervalMs + leg.heartbeatTimeoutMs;
  const edges = [across.from, ...answered, end];
  let widest = 0;
  for (let i = 1; i < edges.length; i += 1) widest = Math.max(widest, edges[i]! - edges[i - 1]!);
  if (widest > allowedGap) {
    return { leg: leg.name, state: 'unknown', reason: `no heartbeat answered for ${formatDuration(widest)}` };
  }
  return { leg: leg.name, state: 'clean', reason: 'up, every heartbeat answered' };
}

/**
 * Whether the leg's own hopwatch (its vantage's) stalled while the heartbeat was out: from its send (an
 * interval before, if lost) to its outcome.
 */
function outDuringStall(leg: LegFacts, stalls: readonly ProberStall[]) {
  const own = stalls.filter((stall) => stalledProberOf(stall, leg));
  return (sample: HeartbeatSample): boolean => {
    const sentAt = sample.ts - (sample.rttMs ?? leg.heartbeatIntervalMs);
    return own.some((stall) => stall.ts >= sentAt && stall.ts - stall.delayMs <= sample.ts);
  };
}

function whyNotUp(sessions: readonly Session[], window: TimeWindow): string {
  if (sessions.length === 0) return 'already down';
  const openedInside = sessions.some((s) => s.openedAt > window.from && s.openedAt <= window.to);
  if (openedInside) return 'connecting during the window';
  const endedInside = sessions.some((s) => s.closedAt !== null && s.closedAt < window.to);
  if (endedInside) return 'closed during the window';
  return 'already down';
}
