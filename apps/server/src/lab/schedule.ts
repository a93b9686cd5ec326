// The lab's fault schedule: the demo's "incident week compressed into minutes", or whatever `lab.schedule`
// in the config says (`schedule: []` turns it off).
import type { LabScheduleEntry } from '@hopwatch/shared/protocol';
import type { LabScheduleConfig } from '../config/types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function entry(fields: Omit<LabScheduleConfig, 'code' | 'status' | 'ageMs'> & Partial<LabScheduleConfig>) {
  return { code: null, status: null, ageMs: null, ...fields };
}

/**
 * Each entry a failure a real path has, each on its own period so they rarely coincide, the first ones early
 * enough that a new user sees a drop attributed within a couple of minutes.
 */
export const DEFAULT_LAB_SCHEDULE: readonly LabScheduleConfig[] = Object.freeze([
  // A tunnel's connection limit (Cloudflare's 100 s): the edge cuts every session at that age, all the time.
  // The edge leg's sawtooth is the duration-cap signature.
  entry({ hop: 'edge', kind: 'cap', everyMs: HOUR, durationMs: HOUR, offsetMs: 0, ageMs: 100_000 }),
  // The load balancer restarts abruptly: every connection through it is reset.
  entry({ hop: 'lb', kind: 'reset', everyMs: 7 * MINUTE, durationMs: 1_000, offsetMs: 45_000 }),
  // The app's event loop blocks for 25 s: sockets back up and heartbeats time out (seed 000).
  entry({ hop: 'app', kind: 'stall', everyMs: 11 * MINUTE, durationMs: 25_000, offsetMs: 2 * MINUTE }),
  // A graceful lb deploy: its sessions are closed with 1012 Service Restart.
  entry({
    hop: 'lb',
    kind: 'close',
    everyMs: 13 * MINUTE,
    durationMs: 2_000,
    offsetMs: 4 * MINUTE,
    code: 1012,
  }),
  // The edge loses its origin connection and answers upgrades with 502 for a while.
  entry({
    hop: 'edge',
    kind: 'reject',
    everyMs: 17 * MINUTE,
    durationMs: 20_000,
    offsetMs: 6 * MINUTE,
    status: 502,
  }),
]);

/**
 * When `entry` fires next at or after `now`, for a schedule started at `startedAt`: first at `offsetMs`, then
 * every `everyMs`. An entry with no period (everyMs ≤ 0) fires once; null once that has passed.
 */
export function nextFiring(entry: LabScheduleConfig, startedAt: number, now: number): number | null {
  const first = startedAt + entry.offsetMs;
  if (now <= first) return first;
  if (entry.everyMs <= 0) return null;
  return first + Math.ceil((now - first) / entry.everyMs) * entry.everyMs;
}

/** setTimeout fires at once beyond this (2^31 - 1 ms, ~24.8 days); longer waits are taken in steps. */
const MAX_TIMER_MS = 2_147_483_647;

interface Armed {
  entry: LabScheduleConfig;
  nextAt: number | null;
  timer: NodeJS.Timeout | null;
}

export class LabSchedule {
  readonly #fire: (entry: LabScheduleConfig) => void;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #armed: Armed[];

  /** Starts at once: each entry fires `fire(entry)` at its times until close(). */
  constructor(
    entries: readonly LabScheduleConfig[],
    fire: (entry: LabScheduleConfig) => void,
    now = Date.now,
  ) {
    this.#fire = fire;
    this.#now = now;
    this.#startedAt = now();
    this.#armed = entries.map((scheduled) => ({ entry: scheduled, nextAt: null, timer: null }));
    for (const armed of this.#armed) this.#arm(armed, this.#startedAt);
  }

  /** the schedule as GET /api/lab shows it */
  entries(): LabScheduleEntry[] {
    return this.#armed.map(({ entry: scheduled, nextAt }) => ({
      hop: scheduled.hop,
      kind: scheduled.kind,
      everyMs: scheduled.everyMs,
      durationMs: scheduled.durationMs,
      code: scheduled.code,
      status: scheduled.status,
      ageMs: scheduled.ageMs,
      nextAt,
    }));
  }

  close(): void {
    for (const armed of this.#armed) {
      if (armed.timer) clearTimeout(armed.timer);
      armed.timer = null;
      armed.nextAt = null;
    }
  }

  #arm(armed: Armed, from: number): void {
    const nextAt = nextFiring(armed.entry, this.#startedAt, from);
    armed.nextAt = nextAt;
    armed.timer = null;
    if (nextAt === null) return;
    armed.timer = setTimeout(
      () => this.#due(armed, nextAt),
      Math.min(MAX_TIMER_MS, Math.max(0, nextAt - this.#now())),
    );
    // The lab's schedule never keeps a process alive on its own.
    armed.timer.unref();
  }

  #due(armed: Armed, nextAt: number): void {
    const now = this.#now();
    if (now < nextAt) {
      // A long wait taken in steps, or a clock that ran slow: not due yet.
      this.#arm(armed, nextAt);
      return;
    }
    this.#fire(armed.entry);
    // Times missed while the process slept are skipped, not fired in a burst.
    this.#arm(armed, Math.max(now, nextAt + 1));
  }
}
