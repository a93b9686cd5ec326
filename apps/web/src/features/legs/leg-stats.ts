// A leg's numbers for the window on screen (not a fixed last hour), computed from the same sessions and RTT
// series the rows draw, so the header and the strip can never disagree, and live events move both.
import type { RttPoint } from '@hopwatch/shared/protocol';
import { mergePoints } from '@hopwatch/shared/series';

/** What the stats read of a leg's strip (features/timeline/timeline-shape.ts produces it). */
export interface LegStrip {
  segments: readonly { from: number; to: number; state: string }[];
  /** oldest first; `attempt`: a failed connection attempt, a retry of a leg that is down, not a drop */
  drops: readonly { at: number; attempt?: boolean }[];
}

export interface LegWindowStats {
  /**
   * share of the time the leg was meant to be connected (up, connecting or down) that it was up; time with
   * no session and no drop before it (hopwatch not running) or older than the fetched page does not count.
   */
  uptimeRatio: number | null;
  /** established sessions lost in the window; a down leg's failed retries are not drops (issue #11) */
  drops: number;
  /** the time of the newest drop in the window */
  lastDropAt: number | null;
  rttP50Ms: number | null;
  rttP99Ms: number | null;
  lostHeartbeats: number;
}

export function legWindowStats(shape: LegStrip, points: readonly RttPoint[], end: number): LegWindowStats {
  let known = 0;
  let up = 0;
  for (const segment of shape.segments) {
    if (segment.state === 'unknown' || segment.state === 'off') continue;
    const length = Math.min(segment.to, end) - segment.from;
    if (length <= 0) continue;
    known += length;
    if (segment.state === 'up') up += length;
  }
  // The window as one bucket: median of medians weighted by answers, and the worst p99 (see mergePoints).
  const whole = mergePoints(
    points.map((p) => ({ ...p, t: 0 })),
    1,
  )[0];
  const established = shape.drops.filter((drop) => !drop.attempt);
  return {
    uptimeRatio: known > 0 ? up / known : null,
    drops: established.length,
    lastDropAt: established[established.length - 1]?.at ?? null,
    rttP50Ms: whole?.p50 ?? null,
    rttP99Ms: whole?.p99 ?? null,
    lostHeartbeats: whole?.lost ?? 0,
  };
}
