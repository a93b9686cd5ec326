// The prober in a thread of its own. hopwatch's main thread stores every event, serves the API and fans out
// to dashboards; a sample timed on that thread measures its queue (a 10 ms SQLite flush is a 10 ms "RTT").
// In a worker thread the legs' sockets, timers and RTT clocks share an event loop with nothing but other legs,
// as in a bare `ws` loop, and the main thread receives finished events in order: RTT samples in batches of
// up to 50 ms, anything else at the end of the loop turn that produced it.
//
//   main thread                                   worker thread (prober-worker.ts)
//   ThreadedProber ── start{targets} / apply / stop ──▶ Prober (legs, heartbeats, stall monitor)
//        ▲                                                │
//        └──────────── batch{events, statuses} / stopped ◀┘
//
// The main thread mirrors each leg's status from the batches (the worker sends the status of every leg a
// non-RTT event touched; lastReplyAt follows the RTT events of the leg's current session), so status() stays
// synchronous. A worker that dies is started again with the current targets; its open sessions are closed
// as orphans at the next start, as after a crash.
import { Worker } from 'node:worker_threads';
import { initialCondition, type LegCondition } from '@hopwatch/shared/outages';
import type { HopEvent, RttEvent } from '@hopwatch/shared/protocol';
import type { TargetConfig } from '../config/types.js';
import { EventUnpacker, type PackedEvents } from './event-batch.js';
import { LegStatuses } from './leg-statuses.js';
import { legKey, type ProbeLogger, sessionCloseFields } from './prober.js';
import { yieldToProber } from './thread-priority.js';
import type { LegStatus, ProberHandle } from './types.js';

export interface ProberThreadSettings {
  stallThresholdMs: number;
  closeTimeoutMs?: number;
  alpnCheckIntervalMs?: number;
}

/** Each leg's condition as the outage tracker knows it, by legKey: a leg the worker (re)starts goes on from it. */
export type LegConditions = Record<string, LegCondition>;

export type ToWorker =
  | { type: 'start'; targets: TargetConfig[]; settings: ProberThreadSettings; conditions: LegConditions }
  | { type: 'apply'; targets: TargetConfig[]; conditions: LegConditions }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'batch'; events: PackedEvents; statuses: Array<{ key: string; status: LegStatus | null }> }
  | { type: 'stopped' };

export interface ThreadedProberOptions extends ProberThreadSettings {
  targets: TargetConfig[];
  /** RTT samples are published a run at a time (publishRtt): one call per batch, not per heartbeat */
  bus: { publish(event: HopEvent): unknown; publishRtt(events: RttEvent[], slots: Int32Array): unknown };
  /** receives the "ws close" line per session; silent when absent */
  logger?: ProbeLogger;
  /** a leg's condition as the outage tracker knows it (see ProberOptions.conditionOf) */
  conditionOf?: (target: string, leg: string) => LegCondition | null;
  /** the built worker script; defaults to prober-worker.js beside this file */
  workerUrl?: URL;
}

const DEFAULT_WORKER_URL = new URL('./prober-worker.js', import.meta.url);
/**
 * The prober's young generation. Every heartbeat makes a few objects that die within a millisecond, and a
 * heartbeat awaiting its pong is alive when a scavenge runs: with V8's default (16 MiB in all) ten thousand
 * legs scavenge several times a second, each copying the beats in flight. A larger nursery scavenges less
 * often for the same garbage; it costs address space, not resident memory, until used.
 */
const YOUNG_GENERATION_MB = 64;

export class ThreadedProber implements ProberHandle {
  readonly #options: ThreadedProberOptions;
  /** every running leg's status, in config order */
  readonly #legs = new LegStatuses();
  #targets: TargetConfig[];
  #worker: Worker | null = null;
  #stopping: Promise<void> | null = null;
  /** the string table of the running worker's batches (a new worker starts its own: its first batch resets it) */
  readonly #unpacker = new EventUnpacker();
  /** the main thread lowered its priority below the prober thread's (once: see thread-priority.ts) */
  #yielded = false;

  constructor(options: ThreadedProberOptions) {
    this.#options = options;
    this.#targets = options.targets;
  }

  start(): void {
    if (this.#worker || this.#stopping) return;
    this.#mirrorTargets(this.#targets);
    this.#spawn();
  }

  stop(): Promise<void> {
    if (this.#stopping) return this.#stopping;
    const worker = this.#worker;
    this.#worker = null;
    this.#stopping = worker ? this.#stopWorker(worker) : Promise.resolve();
    return this.#stopping;
  }

  apply(targets: TargetConfig[]): void {
    this.#targets = targets;
    if (!this.#worker) return;
    this.#mirrorTargets(targets);
    this.#post({ type: 'apply', targets, conditions: this.#conditions(targets) });
  }

  status(): LegStatus[] {
    return [...this.#legs.values()];
  }

  #spawn(): void {
    const { stallThresholdMs, closeTimeoutMs, alpnCheckIntervalMs, workerUrl } = this.#options;
    const settings: ProberThreadSettings = {
      stallThresholdMs,
      ...(closeTimeoutMs ? { closeTimeoutMs } : {}),
      ...(alpnCheckIntervalMs ? { alpnCheckIntervalMs } : {}),
    };
    const worker = new Worker(workerUrl ?? DEFAULT_WORKER_URL, {
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    this.#worker = worker;
    worker.once('online', () => {
      if (this.#yielded) return;
      this.#yielded = true;
      const change = yieldToProber();
      if (change) {
        this.#options.logger?.info(
          { ...change },
          'the main thread yields to the prober thread (nice before → after)',
        );
      }
    });
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'batch') this.#receive(message);
    });
    worker.on('error', (error) => {
      this.#options.logger?.error?.({ err: error }, 'prober thread failed');
    });
    worker.on('exit', (code) => {
      if (this.#worker !== worker) return; // stopped on purpose
      this.#options.logger?.error?.({ code }, 'prober thread exited; starting it again');
      this.#worker = null;
      this.#mirrorTargets(this.#targets);
      this.#spawn();
    });
    this.#post({
      type: 'start',
      targets: this.#targets,
      settings,
      conditions: this.#conditions(this.#targets),
    });
  }

  #conditions(targets: TargetConfig[]): LegConditions {
    const conditions: LegConditions = {};
    for (const target of targets) {
      for (const leg of target.legs) {
        const condition = this.#options.conditionOf?.(target.name, leg.name);
        if (condition) conditions[legKey(target.name, leg.name)] = condition;
      }
    }
    return conditions;
  }

  #post(message: ToWorker): void {
    this.#worker?.postMessage(message);
  }

  #receive(batch: Extract<FromWorker, { type: 'batch' }>): void {
    const { bus, logger } = this.#options;
    this.#unpacker.runs(batch.events, {
      rtt: (events, slots) => {
        for (let i = 0; i < events.length; i++) {
          const event = events[i]!;
          if (event.rttMs === null) continue;
          this.#legs.reply(slots[i]!, event.sessionId, event.ts);
        }
        bus.publishRtt(events, slots);
      },
      other: (event) => {
        bus.publish(event);
        if (event.kind === 'session_close' && logger) {
          logger.info(sessionCloseFields(event.session), 'ws close');
        }
      },
    });
    for (const { key, status } of batch.statuses) {
      if (status) this.#legs.set(key, status);
      else this.#legs.delete(key);
    }
  }

  /**
   * Legs not yet heard of stand where a Leg stands before it starts: at the tracker's condition, or connecting
   * since now; removed legs disappear.
   */
  #mirrorTargets(targets: TargetConfig[]): void {
    const next = new Map<string, LegStatus>();
    const now = Date.now();
    for (const target of targets) {
      for (const leg of target.legs) {
        const key = legKey(target.name, leg.name);
        const condition = this.#options.conditionOf?.(target.name, leg.name) ?? initialCondition(now);
        next.set(
          key,
          this.#legs.get(key) ?? {
            target: target.name,
            leg: leg.name,
            state: condition.state,
            since: condition.since,
            sessionId: null,
            lastReplyAt: null,
          },
        );
      }
    }
    this.#legs.clear();
    for (const [key, status] of next) this.#legs.set(key, status);
  }

  /** The worker closes every leg (session_close with cause null, relayed like any event), then it ends. */
  async #stopWorker(worker: Worker): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'stopped') done();
      });
      worker.once('exit', done);
      worker.postMessage({ type: 'stop' } satisfies ToWorker);
    });
    await worker.terminate();
    this.#legs.clear();
  }
}
