// The numbers beside each leg in GET /api/targets (docs/spec.md#4-http-api), from stored sessions and RTT samples.
import { ATTEMPT_CAUSES, type LegStats, type Session } from '@hopwatch/shared/protocol';
import { percentile } from '@hopwatch/shared/series';
import type { RttSample } from '../../../store/store.js';

/** uptimeRatio1h and drops1h look back this far */
export const UPTIME_WINDOW_MS = 3_600_000;
/** rttP50Ms and rttP99Ms look back this far: recent enough to describe the path now */
export const RTT_WINDOW_MS = 15 * 60_000;

/**
 * - uptimeRatio1h: of the last hour, the share during which the leg held an open session, counted from
 *   the first session in the hour when the leg (or hopwatch) started later, so a fresh start is not
 *   "down" for the minutes before it existed; null with no session at all in the hour.
 * - drops1h: established sessions the path ended that closed in the hour, suspect ones included: how often
 *   the leg was cut, not how often it retried (a leg down for 20 s with 5 retries dropped once).
 * - failedAttempts1h: connection attempts that failed in the hour (connect_failed, handshake_rejected).
 * - rttP50Ms / rttP99Ms: answered heartbeats of the last 15 minutes, suspect samples left out (they
 *   measure hopwatch's own stall, not the path); null without any.
 *
 * `sessions` must hold every session overlapping the hour; `samples` the leg's last 15 minutes.
 */
export function legStats(sessions: readonly Session[], samples: readonly RttSample[], now: number): LegStats {
  const windowStart = now - UPTIME_WINDOW_MS;
  let observedFrom = Number.POSITIVE_INFINITY;
  let upMs = 0;
  let drops = 0;
  let failedAttempts = 0;
  for (const session of sessions) {
    const end = session.closedAt ?? now;
    if (end < windowStart || session.openedAt > now) continue;
    observedFrom = Math.min(observedFrom, session.openedAt);
    upMs += Math.max(0, Math.min(end, now) - Math.max(session.openedAt, windowStart));
    if (session.cause === null || session.closedAt === null || session.closedAt < windowStart) continue;
    if (ATTEMPT_CAUSES.includes(session.cause)) failedAttempts += 1;
    else drops += 1;
  }
  const observedMs = now - Math.max(windowStart, observedFrom);
  const answered = samples
    .flatMap((s) => (s.rttMs !== null && !s.suspect && s.ts >= now - RTT_WINDOW_MS ? [s.rttMs] : []))
    .sort((a, b) => a - b);
  return {
    uptimeRatio1h: observedMs > 0 ? Math.min(1, upMs / observedMs) : null,
    drops1h: drops,
    failedAttempts1h: failedAttempts,
    rttP50Ms: percentile(answered, 0.5),
    rttP99Ms: percentile(answered, 0.99),
  };
}
