// The long-lived parts of a running hopwatch, wired once: the event bus, the live hub, and (as they land)
// storage, the prober, the judge and the lab. app.ts turns a runtime into routes.
import { Judge } from './attribution/judge.js';
import type { HopwatchConfig, TargetConfig } from './config/types.js';
import { EventBus } from './events/bus.js';
import { EvidenceSource } from './evidence/evidence-source.js';
import { VerdictEvidence } from './evidence/verdict-evidence.js';
import { type Lab, labFaultFields, startLab } from './lab/lab.js';
import { LiveHub } from './live/hub.js';
import { logIncidents } from './outages/incident-log.js';
import { OutageTracker } from './outages/outage-tracker.js';
import { type ProbeLogger, Prober } from './probe/prober.js';
import { ThreadedProber } from './probe/prober-thread.js';
import type { ProberHandle } from './probe/types.js';
import { PostgresStore } from './store/postgres/postgres-store.js';
import { startPruning } from './store/retention.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';
import { openStore } from './vantages/open-store.js';
import { joinVantages, type SharedVantages } from './vantages/shared-vantages.js';

export interface Runtime {
  config: HopwatchConfig;
  bus: EventBus;
  /** what dashboards and the judge follow: the bus, or with a shared store every vantage's events */
  events: Pick<EventBus, 'subscribe' | 'lastSeq'>;
  /** the targets as every vantage sees them (with one SQLite store: config.targets) */
  targets(): TargetConfig[];
  hub: LiveHub;
  store: Store;
  /** the built-in lab when it runs (its target is the last of config.targets), else null */
  lab: Lab | null;
  /** turns drops into verdicts (published as `verdict` events) and judges drops users report */
  judge: Judge;
  /** the targets' Prometheus evidence series, cached; also attached to verdicts as they are published */
  evidence: EvidenceSource;
  /** each leg's up/down condition and outage, from its sessions; publishes `outage` events */
  outages: OutageTracker;
  /** holds the legs of config.targets; `apply()` takes a reloaded config */
  prober: ProberHandle;
  /** stops every part; sessions hopwatch closes here are not drops */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** where the "ws close", "outage start/end" and "verdict" lines go (docs/spec.md#3-command-line); silent when absent */
  logger?: ProbeLogger;
  /**
   * Runs the prober in a worker thread of its own (probe/prober-thread.ts), as the CLI does, so its RTTs do not
   * include the main thread's queue. Needs the built worker script; tests that build a runtime from source
   * keep the prober on the main thread, where its events arrive synchronously.
   */
  proberThread?: boolean;
}

export async function createRuntime(
  fileConfig: HopwatchConfig,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const store = await openStore(fileConfig);
  // The lab starts before the prober: its ports make its target, which the prober watches like any other.
  let lab: Lab | null = null;
  try {
    lab = fileConfig.lab.enabled
      ? await startLab(fileConfig.lab, {
          onFault: (fault) => options.logger?.info(labFaultFields(fault), 'lab fault'),
        })
      : null;
  } catch (error) {
    await store.close();
    throw error;
  }
  const config = lab ? { ...fileConfig, targets: [...fileConfig.targets, lab.target] } : fileConfig;
  const bus = new EventBus(store);
  // Subscribed first, so every later subscriber that queries the store finds the event's rows.
  bus.subscribe((stored) => store.project(stored), { rtt: (batch) => store.projectRtt(batch) });
  // Before anything can open new sessions: the ones a crash left open end at their last heartbeat, and are
  // published with cause null so dashboards and the judge see them end without counting a drop.
  for (const session of await store.closeOrphanedSessions(Date.now())) {
    bus.publish({
      kind: 'session_close',
      ts: session.closedAt ?? session.openedAt,
      target: session.target,
      leg: session.leg,
      session,
    });
  }
  let shared: SharedVantages | null = null;
  let started = false;
  try {
    // Until the runtime exists its config is `config`; afterwards a reload's targets are recorded too.
    shared =
      store instanceof PostgresStore
        ? await joinVantages(store, () => (started ? runtime.config.targets : config.targets))
        : null;
  } catch (error) {
    await lab?.close();
    await store.close();
    throw error;
  }
  const events = shared?.feed ?? bus;
  const targets = () => (shared ? shared.targets(runtime.config.targets) : runtime.config.targets);
  // One instance: the hub relays only what the store has committed (DurableLog), so a seq a dashboard saw is
  // never reused after a kill -9. Shared PostgreSQL: the feed already carries only committed events.
  const hub = new LiveHub({
    bus: events,
    replay: store,
    ...(store instanceof SqliteStore ? { durable: store } : {}),
  });
  const stopPruning = startPruning(store);
  // Reads runtime.config on every drop, so a reload's targets and correlation windows apply at once.
  const judge = new Judge({
    bus,
    store,
    targets,
    ...(shared ? { events: shared.feed, mayJudge: () => shared?.lease.held === true } : {}),
  });
  const evidence = new EvidenceSource({ config: () => runtime.config });
  const verdictEvidence = new VerdictEvidence({
    bus,
    source: evidence,
    targets: () => runtime.config.targets,
  });
  const outages = new OutageTracker({ bus, ...(options.logger ? { logger: options.logger } : {}) });
  // A previous run's open outages end now, before the legs' first sessions can begin new ones.
  await outages.endOrphaned(store, Date.now());
  const stopIncidentLog = options.logger ? logIncidents(bus, options.logger) : () => {};
  // Started last: every consumer of its events is subscribed by now.
  const proberOptions = {
    targets: config.targets,
    bus,
    stallThresholdMs: config.prober.stallThresholdMs,
    conditionOf: (target: string, leg: string) => outages.condition(target, leg),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  const prober = options.proberThread ? new ThreadedProber(proberOptions) : new Prober(proberOptions);
  prober.start();
  const runtime: Runtime = {
    config,
    bus,
    events,
    targets,
    hub,
    store,
    lab,
    judge,
    evidence,
    outages,
    prober,
    async close() {
      // First: legs close with cause null while the lab's hops are still up, so shutdown is no drop.
      await prober.stop();
      judge.close();
      verdictEvidence.close();
      outages.close();
      stopIncidentLog();
      hub.close();
      await shared?.close();
      stopPruning();
      await lab?.close();
      // Last: every part closed before it may still publish (the prober's own session_close events).
      await store.close();
    },
  };
  started = true;
  return runtime;
}
