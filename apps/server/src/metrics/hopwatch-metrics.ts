// The Prometheus metrics of docs/spec.md#4-http-api, fed by the event bus. Names and labels are contract: alert rules
// (deploy/prometheus) and users' dashboards depend on them. Each app gets its own Registry rather than
// prom-client's global one, so tests (and a reload) can build several apps in one process.
import { ATTEMPT_CAUSES, DROP_CAUSES, type StoredEvent } from '@hopwatch/shared/protocol';
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';
import type { EventBus, StoredRtt } from '../events/bus.js';
import { VERSION } from '../version.js';
import { LegHistogram } from './leg-histogram.js';
import { LegSeries, SyncedRegistry } from './leg-series.js';

/**
 * WebSocket RTT from a LAN hop (0.5 ms) up to 60 s: a reply is counted only before the heartbeat timeout
 * (20 s by default), so the top edge covers every timeout up to a minute and a slow path never lands in +Inf.
 */
export const RTT_BUCKETS_S = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30, 60,
];
/**
 * Session lifetimes from 1 s to 1 day, with edges at the caps the signature catalog knows (60 s nginx, 100 s
 * Cloudflare, 110 s aiohttp, 350 s NLB/NAT idle, 3600 s gateways), so a cap shows as one full bucket.
 */
export const SESSION_DURATION_BUCKETS_S = [
  1, 5, 10, 30, 60, 100, 110, 120, 300, 350, 600, 1_800, 3_600, 7_200, 21_600, 43_200, 86_400,
];
/**
 * Outage lengths from a second (a drop and a quick reconnect) to a day, with the reconnect backoff's reach
 * (60 s max) and the 2-minute HopwatchLegDown threshold as edges.
 */
export const OUTAGE_DURATION_BUCKETS_S = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1_800, 3_600, 14_400, 86_400];
/** Event-loop delays of a stalled prober; 1 s is the default stallThreshold, which the alert rules use. */
export const EVENT_LOOP_DELAY_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface MetricsSources {
  bus: EventBus;
  /** live dashboards connected now, read at scrape time */
  liveClients: () => number;
  /** every configured leg, so each has a leg_up series (0) before its first state change */
  legs: () => readonly { target: string; leg: string }[];
}

export interface HopwatchMetrics {
  registry: Registry;
  /** stops listening to the bus */
  close(): void;
}

export function createMetrics(sources: MetricsSources): HopwatchMetrics {
  // Every scrape first drops the series of legs a reload removed and creates new legs' counters at 0.
  const registry: Registry = new SyncedRegistry(() => legSeries.sync());
  collectDefaultMetrics({ register: registry });

  const legUp = new Gauge({
    name: 'hopwatch_leg_up',
    help: '1 while the leg holds an open, heartbeated WebSocket; 0 while connecting or down',
    labelNames: ['target', 'leg'] as const,
    registers: [registry],
  });
  const drops = new Counter({
    name: 'hopwatch_leg_drops_total',
    help: 'Established sessions the path ended (failed attempts and hopwatch ending them are not drops), by cause',
    labelNames: ['target', 'leg', 'cause'] as const,
    registers: [registry],
  });
  const connectFailures = new Counter({
    name: 'hopwatch_leg_connect_failures_total',
    help: 'Connection attempts that failed before a session was established (the retries of a leg that is down)',
    labelNames: ['target', 'leg', 'cause'] as const,
    registers: [registry],
  });
  const outageDuration = new Histogram({
    name: 'hopwatch_leg_outage_seconds',
    help: 'Length of ended outages: from the drop (or first failed attempt) until a session was established again',
    labelNames: ['target', 'leg'] as const,
    buckets: OUTAGE_DURATION_BUCKETS_S,
    registers: [registry],
  });
  const verdicts = new Counter({
    name: 'hopwatch_verdicts_total',
    help: 'Final verdicts on drop clusters, one per suspect segment (suspect="" when there is none)',
    labelNames: ['target', 'suspect', 'confidence'] as const,
    registers: [registry],
  });
  /** final verdicts already counted: a late drop re-judges a final verdict under the same id */
  const countedVerdicts = new Set<string>();
  const rtt = new LegHistogram({
    name: 'hopwatch_rtt_seconds',
    help: 'Heartbeat round-trip time; samples taken while hopwatch itself stalled are left out',
    buckets: RTT_BUCKETS_S,
    registers: [registry],
  });
  const sessionDuration = new Histogram({
    name: 'hopwatch_session_duration_seconds',
    help: 'Lifetime of sessions the path ended; failed connection attempts (zero duration) are left out',
    labelNames: ['target', 'leg'] as const,
    buckets: SESSION_DURATION_BUCKETS_S,
    registers: [registry],
  });
  const heartbeatsLost = new Counter({
    name: 'hopwatch_heartbeats_lost_total',
    help: 'Heartbeats that got no reply before the next one was due',
    labelNames: ['target', 'leg'] as const,
    registers: [registry],
  });
  const eventLoopDelay = new Histogram({
    name: 'hopwatch_prober_event_loop_delay_seconds',
    help: "hopwatch's own event-loop delay at each stall above stallThreshold",
    buckets: EVENT_LOOP_DELAY_BUCKETS_S,
    registers: [registry],
  });
  new Gauge({
    name: 'hopwatch_live_clients',
    help: 'Dashboards connected to the live stream',
    registers: [registry],
    collect() {
      this.set(sources.liveClients());
    },
  });

  new Gauge({
    name: 'hopwatch_build_info',
    help: 'Always 1; the labels say which hopwatch runs on which Node.js',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
  }).set({ version: VERSION, node: process.versions.node }, 1);

  const legSeries = new LegSeries({
    legs: sources.legs,
    zeroed: [legUp, heartbeatsLost],
    zeroedByCause: [
      { metric: drops, causes: DROP_CAUSES },
      { metric: connectFailures, causes: ATTEMPT_CAUSES },
    ],
    removed: [rtt, sessionDuration],
  });
  legSeries.sync();

  function onEvent({ event }: StoredEvent): void {
    // A leg's rtt events (nearly all events) always follow its session_open, which made it known already.
    if (event.kind !== 'rtt' && event.target !== null && event.leg !== null) {
      legSeries.saw(event.target, event.leg);
    }
    switch (event.kind) {
      case 'leg_state':
        legUp.set({ target: event.target, leg: event.leg }, event.state === 'up' ? 1 : 0);
        return;
      case 'session_close': {
        const { session } = event;
        if (session.cause === null) return; // hopwatch closed it: not a drop
        const labels = { target: event.target, leg: event.leg, cause: session.cause };
        if (ATTEMPT_CAUSES.includes(session.cause)) {
          connectFailures.inc(labels);
          return;
        }
        drops.inc(labels);
        if (session.durationMs !== null) {
          sessionDuration.observe({ target: event.target, leg: event.leg }, session.durationMs / 1_000);
        }
        return;
      }
      case 'outage':
        if (event.outage.durationMs !== null) {
          outageDuration.observe({ target: event.target, leg: event.leg }, event.outage.durationMs / 1_000);
        }
        return;
      case 'verdict': {
        const { verdict } = event;
        if (!verdict.final || verdict.kind !== 'cluster' || countedVerdicts.has(verdict.id)) return;
        rememberBounded(countedVerdicts, verdict.id);
        for (const suspect of verdict.suspects.length > 0 ? verdict.suspects : ['']) {
          verdicts.inc({ target: verdict.target, suspect, confidence: verdict.confidence });
        }
        return;
      }
      case 'rtt': // taken in runs: observeRtt
        return;
      case 'prober_stall':
        eventLoopDelay.observe(event.delayMs / 1_000);
        return;
      case 'session_open':
        return;
    }
  }

  /** One heartbeat per leg per interval: a run of them is one loop, not one call per event. */
  function observeRtt(batch: readonly StoredRtt[]): void {
    for (const { event, slot } of batch) {
      if (event.rttMs === null) heartbeatsLost.inc({ target: event.target, leg: event.leg });
      else if (!event.suspect) rtt.observe(event, event.rttMs / 1_000, slot);
    }
  }

  const unsubscribe = sources.bus.subscribe(onEvent, { rtt: observeRtt });

  return { registry, close: unsubscribe };
}

/** Verdict ids remembered against double counting; far more than clusters re-judged within their window. */
const COUNTED_VERDICTS_CAP = 10_000;

function rememberBounded(ids: Set<string>, id: string): void {
  ids.add(id);
  if (ids.size <= COUNTED_VERDICTS_CAP) return;
  const oldest = ids.values().next();
  if (!oldest.done) ids.delete(oldest.value);
}
