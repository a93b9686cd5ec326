// From the running config and the store to the plain facts the pure attribution functions take.
import {
  type Drop,
  isDropSession,
  type JudgeFacts,
  RECENT_SESSIONS,
  sampleLookbackMs,
  type TargetFacts,
  type TimeWindow,
} from '@hopwatch/shared/attribution';
import type { TargetConfig } from '../config/types.js';
import type { Store } from '../store/store.js';
import { vantageOf } from '../vantages/vantage-targets.js';

/** What the judge reads from storage. */
export type EvidenceStore = Pick<Store, 'sessions' | 'rttSamples' | 'stalls'>;

/** No target has more sessions overlapping one judged window than this; it bounds a pathological query. */
const WINDOW_SESSION_LIMIT = 10_000;
/**
 * Sessions fetched per dropped leg for its history. Signatures look at the newest RECENT_SESSIONS established
 * drops; failed reconnection attempts are sessions too, so fetch enough to see past a run of them.
 */
const HISTORY_LIMIT = 5 * RECENT_SESSIONS;

export function targetFacts(target: TargetConfig): TargetFacts {
  return {
    name: target.name,
    segments: target.segments,
    correlationWindowMs: target.correlationWindowMs,
    legs: target.legs.map((leg) => {
      // The vantage a shared store keeps its stalls under; hopwatch alone has none, nor do its stalls.
      const vantage = vantageOf(leg);
      return {
        name: leg.name,
        covers: leg.covers,
        heartbeatIntervalMs: leg.heartbeat.intervalMs,
        heartbeatTimeoutMs: leg.heartbeat.timeoutMs,
        ...(vantage === null ? {} : { vantage }),
      };
    }),
  };
}

/**
 * Everything the verdict on `window` rests on: the target's sessions and drops in it, the recent history of
 * the legs that dropped (for the signatures), heartbeats from far enough back to see RTT climb, and
 * hopwatch's own stalls (every vantage's: each bears only on its own legs). `clusterDrops` are drops the
 * caller already holds, whose legs need history too.
 * The independent reads go out together; only the history waits, for the drops that say whose to read.
 */
export async function gatherFacts(
  store: EvidenceStore,
  target: TargetFacts,
  window: TimeWindow,
  clusterDrops: readonly Drop[] = [],
): Promise<JudgeFacts & { drops: Drop[] }> {
  const [sessions, samples, stalls] = await Promise.all([
    store.sessions({ target: target.name, from: window.from, to: window.to, limit: WINDOW_SESSION_LIMIT }),
    store.rttSamples({ target: target.name, from: window.from - sampleLookbackMs(target), to: window.to }),
    // A stall noticed after the window may have begun inside it.
    store.stalls({ from: window.from, to: window.to + target.correlationWindowMs }),
  ]);
  const drops = sessions
    .filter(isDropSession)
    .filter((s) => s.closedAt >= window.from && s.closedAt <= window.to);
  const droppedLegs = new Set([...drops, ...clusterDrops].map((d) => d.leg));
  const histories = await Promise.all(
    [...droppedLegs].map((leg) =>
      store.sessions({ target: target.name, leg, to: window.to, limit: HISTORY_LIMIT }),
    ),
  );
  return { target, sessions, recent: histories.flat(), samples, stalls, drops };
}
