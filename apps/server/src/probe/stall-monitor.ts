// Measures hopwatch's own event-loop delay. A drop or an RTT sample taken while hopwatch itself was stalled is
// evidence about hopwatch, not about the path: it is marked suspect and never blamed on a hop (docs/spec.md#1-concepts).
import { performance } from 'node:perf_hooks';
import type { ProberStallEvent } from '@hopwatch/shared/protocol';

export interface StallMonitorOptions {
  /** a delay above this is a stall (config `prober.stallThreshold`) */
  thresholdMs: number;
  /** sampling period; every measured delay has it subtracted, so an idle loop reads ~0 */
  resolutionMs?: number;
  publish?: (event: ProberStallEvent) => void;
  /** where time comes from; tests pass one they move by hand to stage a stall */
  clock?: StallClock;
}

/**
 * The two clocks the monitor reads: a monotonic one to measure a delay (immune to wall-clock steps) and the
 * wall clock, because callers ask about the wall-clock times they recorded.
 */
export interface StallClock {
  monotonicMs(): number;
  wallMs(): number;
}

const REAL_CLOCK: StallClock = {
  monotonicMs: () => performance.now(),
  wallMs: () => Date.now(),
};

export type DelayListener = (delayMs: number) => void;

/** One stall, wall-clock milliseconds. */
interface Stall {
  from: number;
  to: number;
}

const DEFAULT_RESOLUTION_MS = 20;
/** Stalls older than this cannot matter: no heartbeat timeout or RTT window reaches that far back. */
const RETAIN_MS = 15 * 60_000;
const MAX_STALLS = 1_000;

export class StallMonitor {
  readonly thresholdMs: number;
  readonly resolutionMs: number;
  readonly #publish: ((event: ProberStallEvent) => void) | undefined;
  readonly #clock: StallClock;
  readonly #listeners = new Set<DelayListener>();
  /** newest last, ordered by `to` */
  readonly #stalls: Stall[] = [];
  #timer: NodeJS.Timeout | null = null;
  #lastTick = 0;

  constructor(options: StallMonitorOptions) {
    this.thresholdMs = options.thresholdMs;
    this.resolutionMs = options.resolutionMs ?? DEFAULT_RESOLUTION_MS;
    this.#publish = options.publish;
    this.#clock = options.clock ?? REAL_CLOCK;
  }

  start(): void {
    if (this.#timer) return;
    this.#lastTick = this.#clock.monotonicMs();
    this.#timer = setInterval(() => this.#sample(), this.resolutionMs);
    // The monitor watches the process; it must never be the reason the process stays alive.
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Every delay sample, in ms (for the `hopwatch_prober_event_loop_delay_seconds` histogram). */
  onDelay(listener: DelayListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Whether hopwatch was stalled at any moment of [from, to] (wall-clock ms), including a stall still in
   * progress: an I/O callback running right after a long synchronous stretch sees it before the sampler does.
   */
  isSuspect(from: number, to: number = from): boolean {
    if (this.#timer) {
      const overdue = this.#clock.monotonicMs() - this.#lastTick - this.resolutionMs;
      if (overdue > this.thresholdMs && this.#clock.wallMs() - overdue <= to) return true;
    }
    for (let i = this.#stalls.length - 1; i >= 0; i--) {
      const stall = this.#stalls[i]!;
      if (stall.to < from) break;
      if (stall.from <= to) return true;
    }
    return false;
  }

  #sample(): void {
    const now = this.#clock.monotonicMs();
    const delayMs = Math.max(0, now - this.#lastTick - this.resolutionMs);
    this.#lastTick = now;
    for (const listener of this.#listeners) listener(delayMs);
    if (delayMs <= this.thresholdMs) return;
    const to = this.#clock.wallMs();
    this.#stalls.push({ from: to - delayMs, to });
    while (this.#stalls.length > MAX_STALLS || (this.#stalls[0] && this.#stalls[0].to < to - RETAIN_MS)) {
      this.#stalls.shift();
    }
    this.#publish?.({
      kind: 'prober_stall',
      ts: to,
      target: null,
      leg: null,
      delayMs: Math.round(delayMs * 10) / 10,
      thresholdMs: this.thresholdMs,
    });
  }
}
