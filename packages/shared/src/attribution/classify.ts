// Each leg over a judged window is `dropped`, `clean` or `unknown` (docs/spec.md#1-concepts):
//   dropped  it has a drop in the cluster that hopwatch did not take while stalled
//   clean    one session was up through the whole window, and every heartbeat in it was answered
//   unknown  everything else: connecting, already down, heartbeats lost, or samples taken while hopwatch stalled
// Only a clean leg exonerates the segments it covers, so anything short of proof of life is unknown, never clean.

import type { Session } from '../protocol/session.js';
import { formatDuration } from '../time/duration.js';
import { plural } from './text.js';
import type { Drop, HeartbeatSample, LegFacts, TimeWindow } from './types.js';

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

  const sessions = evidence.sessions.filter((s) => s.leg === leg.name);
  const through = sessions.find(
    (s) => s.openedAt <= window.from && (s.closedAt === null || s.closedAt >= window.to),
  );
  if (through === undefined) return { leg: leg.name, state: 'unknown', reason: whyNotUp(sessions, window) };

  const inWindow = evidence.samples.filter(
    (s) => s.leg === leg.name && s.sessionId === through.id && s.ts >= window.from && s.ts <= window.to,
  );
  const suspect = inWindow.filter((s) => s.suspect).length;
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
  const edges = [window.from, ...answered, window.to];
  let widest = 0;
  for (let i = 1; i < edges.length; i += 1) widest = Math.max(widest, edges[i]! - edges[i - 1]!);
  if (widest > allowedGap) {
    return { leg: leg.name, state: 'unknown', reason: `no heartbeat answered for ${formatDuration(widest)}` };
  }
  return { leg: leg.name, state: 'clean', reason: 'up, every heartbeat answered' };
}

function whyNotUp(sessions: readonly Session[], window: TimeWindow): string {
  if (sessions.length === 0) return 'already down';
  const openedInside = sessions.some((s) => s.openedAt > window.from && s.openedAt <= window.to);
  if (openedInside) return 'connecting during the window';
  const endedInside = sessions.some((s) => s.closedAt !== null && s.closedAt < window.to);
  if (endedInside) return 'closed during the window';
  return 'already down';
}
