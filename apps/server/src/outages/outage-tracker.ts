// The outage tracker: runs every leg's outage machine (packages/shared/src/outages) on the session events of
// the bus, publishes an `outage` event whenever a leg's outage begins, takes a failed attempt or ends (the
// store keeps the latest of each, the live hub relays it, metrics time it), writes the "outage start" and
// "outage end" log lines, and answers GET /api/targets' state, since and outage.
//
// The prober's legs run the same machine for their own leg_state events, on the same session events, so
// both say the same. Outage events are published after the session event that caused them has reached
// every subscriber (a microtask later), so no subscriber sees an outage before its session.
import {
  initialCondition,
  type LegCondition,
  nextCondition,
  type OutageEffect,
  type OutageInput,
} from '@hopwatch/shared/outages';
import type { HopEvent, LegOutage, Outage } from '@hopwatch/shared/protocol';
import type { EventBus } from '../events/bus.js';
import type { ProbeLogger } from '../probe/prober.js';
import type { Store } from '../store/store.js';

export interface OutageTrackerOptions {
  bus: EventBus;
  /** receives the "outage start" and "outage end" lines; silent when absent */
  logger?: ProbeLogger;
  now?: () => number;
}

/** More open outages than any configuration has legs. */
const RECOVERY_LIMIT = 100_000;

export class OutageTracker {
  readonly #bus: EventBus;
  readonly #logger: ProbeLogger | undefined;
  readonly #now: () => number;
  readonly #conditions = new Map<string, LegCondition>();
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(options: OutageTrackerOptions) {
    this.#bus = options.bus;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    // A leg's condition follows its sessions; heartbeats do not change it.
    this.#unsubscribe = options.bus.subscribe(({ event }) => this.#onEvent(event), { rtt: 'ignore' });
  }

  /**
   * Ends the outages a previous run left open, at `now`: hopwatch cannot know what happened while it was not
   * watching. A leg still down starts a new outage with its first failed attempt. Call before the prober starts.
   */
  async endOrphaned(store: Pick<Store, 'outages'>, now: number): Promise<Outage[]> {
    const open = await store.outages({ open: true, limit: RECOVERY_LIMIT });
    const ended = open.map((o) => ({
      ...o,
      until: Math.max(o.since, now),
      durationMs: Math.max(0, now - o.since),
    }));
    for (const outage of ended) this.#publishOutage(outage, outage.until);
    return ended;
  }

  /** The leg's condition as its sessions tell it; null before its first session event (it is connecting). */
  condition(target: string, leg: string): LegCondition | null {
    return this.#conditions.get(key(target, leg)) ?? null;
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    this.#conditions.clear();
  }

  #onEvent(event: HopEvent): void {
    let input: OutageInput;
    if (event.kind === 'session_open') input = { type: 'open', at: event.ts };
    else if (event.kind === 'session_close') input = { type: 'close', session: event.session };
    else return;
    const legKey = key(event.target, event.leg);
    const step = nextCondition(this.#conditions.get(legKey) ?? initialCondition(event.ts), input);
    this.#conditions.set(legKey, step.condition);
    this.#announce(event.target, event.leg, step.effect);
  }

  #announce(target: string, leg: string, effect: OutageEffect): void {
    if (effect.type === 'none') return;
    const until = effect.type === 'outage_end' ? effect.until : null;
    const outage = toOutage(target, leg, effect.outage, until);
    queueMicrotask(() => {
      if (this.#closed) return;
      this.#publishOutage(outage, until);
      if (effect.type === 'drop' || effect.type === 'first_attempt_failed') {
        this.#logger?.info(outageStartFields(outage), 'outage start');
      } else if (effect.type === 'outage_end') {
        this.#logger?.info(outageEndFields(outage), 'outage end');
      }
    });
  }

  #publishOutage(outage: Outage, until: number | null): void {
    this.#bus.publish({
      kind: 'outage',
      ts: until ?? this.#now(),
      target: outage.target,
      leg: outage.leg,
      outage,
    });
  }
}

function toOutage(target: string, leg: string, outage: LegOutage, until: number | null): Outage {
  return { target, leg, ...outage, until, durationMs: until === null ? null : until - outage.since };
}

/** The "outage start" line: snake_case like "ws close", so Loki or grep can join them. */
export function outageStartFields(outage: Outage): Record<string, unknown> {
  return {
    target: outage.target,
    leg: outage.leg,
    since: outage.since,
    cause: outage.firstCause,
    attempts: outage.attempts,
    error: outage.lastError,
    http_status: outage.lastHttpStatus,
  };
}

export function outageEndFields(outage: Outage): Record<string, unknown> {
  return {
    target: outage.target,
    leg: outage.leg,
    since: outage.since,
    until: outage.until,
    dur_ms: outage.durationMs,
    attempts: outage.attempts,
    first_cause: outage.firstCause,
    last_cause: outage.lastCause,
    last_error: outage.lastError,
    last_http_status: outage.lastHttpStatus,
  };
}

function key(target: string, leg: string): string {
  return `${target}\u0000${leg}`;
}
