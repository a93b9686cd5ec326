// A prober on a real event bus, with its events recorded, for the integration tests.
import type { HopEvent, SessionCloseEvent } from '@hopwatch/shared/protocol';
import { afterEach } from 'vitest';
import type { LegConfig, TargetConfig } from '../../config/types.js';
import { EventBus } from '../../events/bus.js';
import { Prober, type ProberOptions } from '../prober.js';
import { ThreadedProber } from '../prober-thread.js';
import type { ProberHandle } from '../types.js';
import { ServerPool } from './servers.js';

export type LegInput = Partial<LegConfig> & { url: string };

export function legConfig(overrides: LegInput): LegConfig {
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

/** `workerUrl`: run the prober in a worker thread from that (built) script, as the CLI does. */
export type HarnessOptions = Partial<ProberOptions> & { workerUrl?: URL };

export class ProbeHarness {
  readonly bus = new EventBus();
  readonly events: HopEvent[] = [];
  readonly logLines: Record<string, unknown>[] = [];
  readonly prober: ProberHandle;
  readonly #waiters = new Set<() => void>();

  constructor(targets: TargetConfig[], options: HarnessOptions = {}) {
    this.bus.subscribe(({ event }) => {
      this.events.push(event);
      for (const wake of this.#waiters) wake();
    });
    const record = (fields: Record<string, unknown>, message: string) =>
      this.logLines.push({ msg: message, ...fields });
    const { workerUrl, ...rest } = options;
    const settings = {
      targets,
      bus: this.bus,
      stallThresholdMs: 1_000,
      logger: { info: record, error: record },
      ...rest,
    };
    this.prober = workerUrl
      ? new ThreadedProber({ ...settings, bus: this.bus, workerUrl })
      : new Prober(settings);
  }

  of<K extends HopEvent['kind']>(kind: K): Extract<HopEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<HopEvent, { kind: K }> => e.kind === kind);
  }

  closes(): SessionCloseEvent['session'][] {
    return this.of('session_close').map((e) => e.session);
  }

  /** Resolves with the first recorded event (past or future) matching, or rejects after `timeoutMs`. */
  async waitFor<K extends HopEvent['kind']>(
    kind: K,
    match: (event: Extract<HopEvent, { kind: K }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<HopEvent, { kind: K }>> {
    let checked = 0;
    let found: Extract<HopEvent, { kind: K }> | undefined;
    // only events recorded since the last check are looked at: a thousand-event test stays linear
    await this.until(
      () => {
        for (; checked < this.events.length && !found; checked++) {
          const event = this.events[checked]!;
          if (event.kind === kind && match(event as Extract<HopEvent, { kind: K }>)) {
            found = event as Extract<HopEvent, { kind: K }>;
          }
        }
        return found !== undefined;
      },
      timeoutMs,
      `no ${kind} event matched`,
    );
    return found!;
  }

  /** Resolves once `count` events of a kind have been recorded. */
  async waitForCount(kind: HopEvent['kind'], count: number, timeoutMs = 10_000): Promise<void> {
    let seen = 0;
    let checked = 0;
    await this.until(
      () => {
        for (; checked < this.events.length; checked++) if (this.events[checked]!.kind === kind) seen++;
        return seen >= count;
      },
      timeoutMs,
      `wanted ${count} ${kind} events`,
    );
  }

  /** Re-checks `condition` on every event until it holds. */
  until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(new Error(`${what} within ${timeoutMs} ms (${this.events.length} events recorded)`));
      }, timeoutMs);
      const wake = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      this.#waiters.add(wake);
      wake();
    });
  }
}

/** Servers and started probers for one test file; all of them are closed after each test. */
export function probeSuite() {
  const servers = new ServerPool();
  const harnesses: ProbeHarness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.prober.stop()));
    await servers.closeAll();
  });
  return {
    servers,
    /** A started prober with one target holding these legs. */
    probe(legs: LegInput | LegInput[], options: HarnessOptions = {}): ProbeHarness {
      const harness = new ProbeHarness([target([legs].flat().map(legConfig))], options);
      harnesses.push(harness);
      harness.prober.start();
      return harness;
    },
  };
}
