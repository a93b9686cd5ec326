// The prober: every leg of every target, the stall monitor that keeps hopwatch's own stalls out of the
// evidence, the shared h2/ALPN checks, and the JSON log line per session close (docs/spec.md#3-command-line).
import { isDeepStrictEqual } from 'node:util';
import type { LegCondition } from '@hopwatch/shared/outages';
import type { HopEvent, Session } from '@hopwatch/shared/protocol';
import type { LegConfig, TargetConfig } from '../config/types.js';
import { AlpnChecks } from './alpn-probe.js';
import { BeatClock } from './beat-clock.js';
import { Leg } from './leg.js';
import type { RttWriters } from './rtt-writer.js';
import { StallMonitor } from './stall-monitor.js';
import type { LegStatus, ProberHandle } from './types.js';

/** The slice of a pino logger the prober writes to. */
export interface ProbeLogger {
  info(fields: Record<string, unknown>, message: string): void;
  /** the prober thread failing (prober-thread.ts) */
  error?(fields: Record<string, unknown>, message: string): void;
}

export interface ProberOptions {
  targets: TargetConfig[];
  /** `rttWriters`: where each session's samples go, if not published as rtt events (rtt-writer.ts) */
  bus: { publish(event: HopEvent): unknown; rttWriters?: RttWriters };
  /** config `prober.stallThreshold` */
  stallThresholdMs: number;
  /** receives the "ws close" line per session; silent when absent */
  logger?: ProbeLogger;
  /** for backoff jitter */
  random?: () => number;
  /** a leg's condition as the outage tracker knows it, so a leg a reload replaces goes on from there */
  conditionOf?: (target: string, leg: string) => LegCondition | null;
  /** how long a close hopwatch chose (stop, reload) may wait for the far side */
  closeTimeoutMs?: number;
  /** how often a wss endpoint's h2/ALPN support is checked again */
  alpnCheckIntervalMs?: number;
  stallResolutionMs?: number;
}

/**
 * Legs started per turn of the event loop. Starting 5,000 at once is a 400 ms synchronous stretch: a stall of
 * hopwatch's own making that would mark the first samples suspect.
 */
const START_BATCH = 100;

interface LegEntry {
  target: string;
  config: LegConfig;
}

export class Prober implements ProberHandle {
  readonly stallMonitor: StallMonitor;
  readonly #options: ProberOptions;
  readonly #legs = new Map<string, Leg>();
  /** legs a reload removed or replaced, still closing */
  readonly #retiring = new Set<Promise<void>>();
  readonly #alpnChecks: AlpnChecks;
  /** one timer for every leg's heartbeats */
  readonly #beatClock = new BeatClock();
  /** created, waiting for their turn to start */
  readonly #startQueue: Leg[] = [];
  #starter: NodeJS.Immediate | null = null;
  #targets: TargetConfig[];
  #running = false;

  constructor(options: ProberOptions) {
    this.#options = options;
    this.#targets = options.targets;
    this.stallMonitor = new StallMonitor({
      thresholdMs: options.stallThresholdMs,
      ...(options.stallResolutionMs ? { resolutionMs: options.stallResolutionMs } : {}),
      publish: (event) => options.bus.publish(event),
    });
    this.#alpnChecks = new AlpnChecks(
      options.alpnCheckIntervalMs ? { intervalMs: options.alpnCheckIntervalMs } : {},
    );
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.stallMonitor.start();
    for (const [key, entry] of legEntries(this.#targets)) this.#startLeg(key, entry);
    this.#startQueued();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#starter) clearImmediate(this.#starter);
    this.#starter = null;
    this.#startQueue.length = 0;
    const legs = [...this.#legs.values()];
    this.#legs.clear();
    await Promise.all([...legs.map((leg) => leg.stop()), ...this.#retiring]);
    this.#alpnChecks.close();
    this.stallMonitor.stop();
  }

  apply(targets: TargetConfig[]): void {
    this.#targets = targets;
    if (!this.#running) return;
    const next = legEntries(targets);
    for (const [key, leg] of this.#legs) {
      const entry = next.get(key);
      if (entry && isDeepStrictEqual(entry.config, leg.config)) continue;
      this.#legs.delete(key);
      this.#retire(leg);
    }
    for (const [key, entry] of next) {
      if (!this.#legs.has(key)) this.#startLeg(key, entry);
    }
    this.#startQueued();
  }

  status(): LegStatus[] {
    return [...this.#legs.values()].map((leg) => leg.status());
  }

  /** One leg's status, or null when no such leg runs (any more). */
  statusOf(target: string, leg: string): LegStatus | null {
    return this.#legs.get(legKey(target, leg))?.status() ?? null;
  }

  #startLeg(key: string, entry: LegEntry): void {
    const leg = new Leg({
      target: entry.target,
      config: entry.config,
      publish: (event) => this.#publish(event),
      stallMonitor: this.stallMonitor,
      alpnChecks: this.#alpnChecks,
      beatClock: this.#beatClock,
      ...(this.#options.bus.rttWriters ? { rttWriters: this.#options.bus.rttWriters } : {}),
      ...(this.#options.random ? { random: this.#options.random } : {}),
      condition: this.#options.conditionOf?.(entry.target, entry.config.name) ?? null,
      ...(this.#options.closeTimeoutMs ? { closeTimeoutMs: this.#options.closeTimeoutMs } : {}),
    });
    this.#legs.set(key, leg);
    this.#startQueue.push(leg);
  }

  /** Starts one batch now and the rest on later turns, so I/O and timers run in between. */
  #startQueued(): void {
    if (this.#starter) return;
    for (const leg of this.#startQueue.splice(0, START_BATCH)) leg.start();
    if (this.#startQueue.length > 0) {
      this.#starter = setImmediate(() => {
        this.#starter = null;
        this.#startQueued();
      });
    }
  }

  // A retired leg may still sit in the start queue: start() after stop() does nothing.
  #retire(leg: Leg): void {
    const stopped = leg.stop().finally(() => this.#retiring.delete(stopped));
    this.#retiring.add(stopped);
  }

  #publish(event: HopEvent): void {
    this.#options.bus.publish(event);
    if (event.kind === 'session_close' && this.#options.logger) {
      this.#options.logger.info(sessionCloseFields(event.session), 'ws close');
    }
  }
}

/** The fields of the "ws close" log line: snake_case, so Loki or grep can join it with proxy logs. */
export function sessionCloseFields(session: Session): Record<string, unknown> {
  return {
    target: session.target,
    leg: session.leg,
    session: session.id,
    dur_ms: session.durationMs,
    cause: session.cause,
    code: session.closeCode,
    reason: session.closeReason,
    http_status: session.httpStatus,
    error: session.error,
    silence_ms: session.silenceMs,
    suspect: session.suspect,
    remote: session.handshake.remoteAddress,
  };
}

export function legKey(target: string, leg: string): string {
  return `${target}\u0000${leg}`;
}

function legEntries(targets: TargetConfig[]): Map<string, LegEntry> {
  const entries = new Map<string, LegEntry>();
  for (const target of targets) {
    for (const config of target.legs)
      entries.set(legKey(target.name, config.name), { target: target.name, config });
  }
  return entries;
}
