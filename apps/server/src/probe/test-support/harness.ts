// A prober on a real event bus, with its events recorded, for the integration tests.
import type { HopEvent, SessionCloseEvent } from '@hopwatch/shared/protocol';
import type { LegConfig, TargetConfig } from '../../config/types.js';
import { EventBus } from '../../events/bus.js';
import { Prober, type ProberOptions } from '../prober.js';

export function legConfig(overrides: Partial<LegConfig> & { url: string }): LegConfig {
  const name = overrides.name ?? 'edge';
  return {
    name,
    enters: 'edge',
    covers: ['edge', 'app', `${name}:entry`],
    headers: {},
    subprotocols: [],
    origin: null,
    tls: { insecure: false, ca: null, servername: null },
    heartbeat: { mode: 'ping', intervalMs: 200, timeoutMs: 1_000, send: '', expect: '' },
    reconnect: { initialMs: 50, maxMs: 200 },
    open: [],
    ...overrides,
  };
}

export function target(legs: LegConfig[], name = 'lab'): TargetConfig {
  return { name, segments: ['last-mile', 'edge', 'app'], correlationWindowMs: 6_000, legs };
}

export class ProbeHarness {
  readonly bus = new EventBus();
  readonly events: HopEvent[] = [];
  readonly logLines: Record<string, unknown>[] = [];
  readonly prober: Prober;
  readonly #waiters = new Set<() => void>();

  constructor(targets: TargetConfig[], options: Partial<ProberOptions> = {}) {
    this.bus.subscribe(({ event }) => {
      this.events.push(event);
      for (const wake of this.#waiters) wake();
    });
    this.prober = new Prober({
      targets,
      bus: this.bus,
      stallThresholdMs: 1_000,
      logger: { info: (fields, message) => this.logLines.push({ msg: message, ...fields }) },
      ...options,
    });
  }

  of<K extends HopEvent['kind']>(kind: K): Extract<HopEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<HopEvent, { kind: K }> => e.kind === kind);
  }

  closes(): SessionCloseEvent['session'][] {
    return this.of('session_close').map((e) => e.session);
  }

  /** Resolves with the first recorded event (past or future) matching, or rejects after `timeoutMs`. */
  waitFor<K extends HopEvent['kind']>(
    kind: K,
    match: (event: Extract<HopEvent, { kind: K }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<HopEvent, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.of(kind).find(match);
        if (!found) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${kind} event matched within ${timeoutMs} ms`));
      }, timeoutMs);
      const wake = () => void check();
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
      };
      this.#waiters.add(wake);
      check();
    });
  }

  /** Resolves once `count` events of a kind have been recorded. */
  async waitForCount<K extends HopEvent['kind']>(kind: K, count: number, timeoutMs = 10_000): Promise<void> {
    await this.waitFor(kind, () => this.of(kind).length >= count, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message} (wanted ${count}, saw ${this.of(kind).length})`);
    });
  }
}
