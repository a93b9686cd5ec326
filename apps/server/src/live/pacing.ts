// How far apart the live hub's fan-out batches leave. Writing a batch costs one socket write per dashboard
// (on loopback about 10 µs each, the kernel's TCP work included), whatever the batch holds: at 1,000
// dashboards a batch every 10 ms is 100,000 writes a second, a whole core, and the hub falls behind its own
// events (issue 15: p99 67 ms). So the gap after a batch grows with what that batch cost: the fan-out takes at
// most about half of the event loop, and a batch that finds the loop idle (a lone drop) still leaves at once.

export interface BatchPacing {
  /** the shortest gap between two batches (a chart cannot show less) */
  minIntervalMs: number;
  /** the longest: what the next event may have to wait for its batch, however slow the last one was */
  maxIntervalMs: number;
}

export const DEFAULT_BATCH_PACING: BatchPacing = { minIntervalMs: 10, maxIntervalMs: 25 };

/** The fan-out's share of the event loop is at most 1 / FANOUT_SHARE_DIVISOR. */
const FANOUT_SHARE_DIVISOR = 2;

/**
 * How long after a batch began the next one may leave, given how long that batch took (commit, framing and
 * every write): twice as long, so the loop is free at least half the time, within the pacing's bounds.
 */
export function batchInterval(batchMs: number, pacing: BatchPacing): number {
  const wanted = Number.isFinite(batchMs) && batchMs > 0 ? batchMs * FANOUT_SHARE_DIVISOR : 0;
  return Math.max(pacing.minIntervalMs, Math.min(pacing.maxIntervalMs, wanted));
}
