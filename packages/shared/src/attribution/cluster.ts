// Drop clusters: drops of one target whose times lie within `correlationWindow` of each other (docs/spec.md#1-concepts).
//
// Clustering chains: a drop joins the cluster when it comes within the window of the cluster's latest drop.
// A leg that flaps forever (seed 003: sessions cycling every 15-35s against a 25s window) would chain one
// cluster forever and never get a verdict, so a cluster takes no drop more than MAX_SPAN_WINDOWS windows
// after its first; the next drop then starts a new one. Its final verdict is thereby due no later than
// FINAL_WITHIN_WINDOWS windows after its first drop (issue #11: people watch exactly then).
import type { TimeWindow } from './types.js';

/** A cluster never spans more than this many correlation windows from its first drop to its last. */
export const MAX_SPAN_WINDOWS = 1;
/** A cluster's final verdict is due at most this many correlation windows after its first drop. */
export const FINAL_WITHIN_WINDOWS = MAX_SPAN_WINDOWS + 1;

export interface ClusterSpan {
  /** time of the first drop */
  firstAt: number;
  /** time of the latest drop */
  lastAt: number;
}

/** Whether a drop at `at` belongs to the cluster (it may be earlier than the cluster's latest drop). */
export function joinsCluster(span: ClusterSpan, at: number, windowMs: number): boolean {
  if (at < span.firstAt - windowMs || at > span.lastAt + windowMs) return false;
  return Math.max(span.lastAt, at) - Math.min(span.firstAt, at) <= MAX_SPAN_WINDOWS * windowMs;
}

/** Groups drops into clusters, each oldest first; clusters come oldest first. */
export function clusterDrops<T extends { closedAt: number }>(drops: readonly T[], windowMs: number): T[][] {
  const sorted = [...drops].sort((a, b) => a.closedAt - b.closedAt);
  const clusters: T[][] = [];
  let current: T[] = [];
  let span: ClusterSpan | null = null;
  for (const drop of sorted) {
    if (span !== null && joinsCluster(span, drop.closedAt, windowMs)) {
      current.push(drop);
      span.lastAt = drop.closedAt;
      continue;
    }
    if (current.length > 0) clusters.push(current);
    current = [drop];
    span = { firstAt: drop.closedAt, lastAt: drop.closedAt };
  }
  if (current.length > 0) clusters.push(current);
  return clusters;
}

/**
 * When a cluster's verdict is final: its window has passed with no new drop, and never later than
 * FINAL_WITHIN_WINDOWS windows after its first drop.
 */
export function clusterDueAt(span: ClusterSpan, windowMs: number): number {
  return Math.min(span.lastAt + windowMs, span.firstAt + FINAL_WITHIN_WINDOWS * windowMs);
}

/**
 * The window the legs are judged over: one correlation window either side of the cluster. Before the first
 * drop, because a heartbeat timeout is noticed up to `timeout` after the path was cut, and a clean leg must have
 * been answering while that happened; after the last drop, because a leg with a longer timeout notices the same
 * cut later, and by then it has either dropped (joining the cluster) or proven it stayed up.
 */
export function judgedWindow(span: ClusterSpan, windowMs: number): TimeWindow {
  return { from: span.firstAt - windowMs, to: span.lastAt + windowMs };
}

/**
 * The window for a drop a user reported at `at`: one correlation window either side, cut at `now` because
 * nothing after now can be known yet.
 */
export function reportedWindow(at: number, windowMs: number, now: number): TimeWindow {
  return { from: at - windowMs, to: Math.max(Math.min(at + windowMs, now), at - windowMs) };
}
