// The prober thread times RTTs; the main thread stores, serves and fans out. When both want a core at once, the
// prober must win: a pong read while SQLite commits is an RTT that measures hopwatch, not the path. Linux keeps
// a nice value per thread, so once the prober thread runs (it started with its creator's value), the main thread
// lowers its own. Raising a priority needs privileges; lowering one's own never does, and threads the main
// thread starts later (a prober thread started again, libuv's pool) start from the lowered value.
import { getPriority, setPriority } from 'node:os';

/** how much nicer than the prober thread the main thread runs */
export const MAIN_THREAD_NICENESS = 5;
const NICEST = 19;

export interface PriorityChange {
  before: number;
  after: number;
}

/**
 * Lowers the calling thread's priority by MAIN_THREAD_NICENESS. Null where priorities are per process (every
 * platform but Linux: lowering it there would slow the prober too) or where the system refused.
 */
export function yieldToProber(platform: NodeJS.Platform = process.platform): PriorityChange | null {
  if (platform !== 'linux') return null;
  try {
    const before = getPriority();
    setPriority(Math.min(NICEST, before + MAIN_THREAD_NICENESS));
    return { before, after: getPriority() };
  } catch {
    return null;
  }
}
