// Retention: what is kept how long, and pruning in bounded steps so deleting an hour of 5,000 legs never
// blocks the event loop in one go.
//
// - Rollups, sessions, verdicts and stalls are kept for `storage.retention`.
// - Raw RTT samples and the event log are kept for the raw window (48 h by default, never more than the
//   retention): charts past it are drawn from rollups, and the event log only serves resumes, while
//   sessions and verdicts keep their own history.
// - Except `rtt` events, which the event log keeps for an hour only (RTT_EVENT_RETENTION_MS).
// - Incidents are kept: they are notes people wrote, not measurements.
import type { PruneResult, Store } from './store.js';

export const DEFAULT_RAW_RETENTION_MS = 48 * 3_600_000;
/**
 * How long the event log keeps `rtt` events. There is one per heartbeat per leg (5,000 legs at 1 s would be
 * ~200 GB over the raw window), and RTT history is already stored durably as chunks and rollups
 * (store/rtt.ts, served by GET /api/rtt): the log only needs them so a dashboard that briefly lost its link
 * resumes without gaps, and so the minute in progress survives a restart. Not a config key: the keys in
 * docs/spec.md#2-configuration are a contract.
 */
export const RTT_EVENT_RETENTION_MS = 3_600_000;
/**
 * Often enough that rtt events stay close to their hour (they live at most this much longer) and each run
 * deletes a few minutes of heartbeats rather than an hour's.
 */
export const PRUNE_INTERVAL_MS = 10 * 60_000;
/** rows deleted per step; a step of this size takes a few milliseconds */
export const PRUNE_STEP_ROWS = 5_000;

export interface RetentionCutoffs {
  /** rollups, sessions, verdicts, stalls older than this go */
  full: number;
  /** raw samples and events older than this go */
  raw: number;
}

export function retentionCutoffs(now: number, retention: { retentionMs: number; rawRetentionMs: number }) {
  const full = now - retention.retentionMs;
  return { full, raw: Math.max(full, now - retention.rawRetentionMs) } satisfies RetentionCutoffs;
}

/** `rtt` events older than this go: an hour back, never kept longer than the other events (`raw`). */
export function rttEventCutoff(now: number, raw: number): number {
  return Math.max(raw, now - RTT_EVENT_RETENTION_MS);
}

/** One table's deletion: deletes up to `limit` rows and returns how many it deleted. */
export type PruneTask = (limit: number) => number;

/** Runs tasks in order until each has nothing left or `maxRows` rows were deleted. */
export function runPruneTasks(tasks: readonly PruneTask[], maxRows: number): PruneResult {
  let deleted = 0;
  for (const task of tasks) {
    for (;;) {
      const budget = Math.min(PRUNE_STEP_ROWS, maxRows - deleted);
      if (budget <= 0) return { deleted, done: false };
      const count = task(budget);
      deleted += count;
      if (count < budget) break;
    }
  }
  return { deleted, done: true };
}

export interface PruningOptions {
  intervalMs?: number;
  /** rows per step; steps are separated by a turn of the event loop */
  stepRows?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * Prunes now and then every `intervalMs`, one bounded step per event-loop turn (the next step starts once the
 * store has answered the last). Returns the stop function; every timer is released by it, and a step still
 * being answered when it is called starts no other.
 */
export function startPruning(store: Pick<Store, 'prune'>, options: PruningOptions = {}): () => void {
  const now = options.now ?? Date.now;
  const stepRows = options.stepRows ?? PRUNE_STEP_ROWS;
  let immediate: NodeJS.Immediate | null = null;
  let running = false;
  let stopped = false;

  const step = async (at: number) => {
    immediate = null;
    if (stopped) return;
    let done: boolean;
    try {
      done = (await store.prune(at, stepRows)).done;
    } catch (error) {
      running = false;
      if (!stopped) options.onError?.(error);
      return;
    }
    if (stopped) return;
    if (done) {
      running = false;
      return;
    }
    immediate = setImmediate(step, at).unref();
  };
  const start = () => {
    if (running || stopped) return;
    running = true;
    immediate = setImmediate(step, now()).unref();
  };

  const timer = setInterval(start, options.intervalMs ?? PRUNE_INTERVAL_MS);
  timer.unref();
  start();
  return () => {
    stopped = true;
    clearInterval(timer);
    if (immediate) clearImmediate(immediate);
    immediate = null;
  };
}
