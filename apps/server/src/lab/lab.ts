// The built-in lab (docs/spec.md#7-built-in-lab): an echo app, and the app, lb and edge hops in front of it, all on
// loopback in this process, with faults injected on demand and on a schedule. The prober watches it as the
// target `lab`, one leg entering at each hop.
//
//   leg edge ─▶ edge ─▶ lb ─▶ app ─▶ echo app
//   leg lb   ─────────▶ lb ─▶ app ─▶ echo app
//   leg app  ───────────────▶ app ─▶ echo app
//
// The app hop is a proxy in front of the echo app so that every fault exists once, in hop-proxy.ts: seen
// from the network, an app whose event loop stalls is a socket that stops reading, which is what the proxy does.
import {
  LAB_HOPS,
  type LabFault,
  type LabFaultRequest,
  type LabHop,
  type LabStatus,
} from '@hopwatch/shared/protocol';
import type { LabConfig, LabScheduleConfig, TargetConfig } from '../config/types.js';
import { EchoApp } from './echo-app.js';
import { FaultBook } from './faults.js';
import { HopProxy } from './hop-proxy.js';
import { labTarget } from './lab-config.js';
import { DEFAULT_LAB_SCHEDULE, LabSchedule } from './schedule.js';

export interface LabOptions {
  /** fixed ports for the hops and for the echo app behind them; absent or 0: chosen by the OS */
  ports?: Partial<Record<LabHop | 'echo', number>>;
  /** the legs' reconnect backoff (default 1 s, at most 10 s) */
  reconnect?: { initialMs: number; maxMs: number };
  /** default: the heartbeat timeout plus 5 s */
  correlationWindowMs?: number;
  /** how often the echo app pushes its state update (default 3 s) */
  stateEveryMs?: number;
  /** told of every fault as it starts, for the server log */
  onFault?: (fault: LabFault) => void;
  now?: () => number;
}

export interface Lab {
  /** the target the prober runs for the lab */
  readonly target: TargetConfig;
  status(): LabStatus;
  inject(request: LabFaultRequest): LabFault;
  /** ends every active fault (the schedule goes on); returns how many there were */
  clear(): number;
  close(): Promise<void>;
}

interface Closable {
  close(): Promise<void>;
}

export async function startLab(config: LabConfig, options: LabOptions = {}): Promise<Lab> {
  const now = options.now ?? Date.now;
  const started: Closable[] = [];
  const closeStarted = async () => {
    // Outside in: the edge first, so nothing new reaches the parts still closing.
    for (const part of started.reverse()) await part.close();
  };
  let hops: Record<LabHop, HopProxy>;
  try {
    const echo = await EchoApp.start({
      port: options.ports?.echo ?? 0,
      ...(options.stateEveryMs === undefined ? {} : { stateEveryMs: options.stateEveryMs }),
      now,
    });
    started.push(echo);
    // Inside out: each hop forwards to the one started before it.
    const built: Partial<Record<LabHop, HopProxy>> = {};
    let upstreamPort = echo.port;
    for (const name of [...LAB_HOPS].reverse()) {
      const hop = await HopProxy.start({ name, upstreamPort, port: options.ports?.[name] ?? 0, now });
      started.push(hop);
      built[name] = hop;
      upstreamPort = hop.port;
    }
    hops = built as Record<LabHop, HopProxy>;
  } catch (error) {
    await closeStarted();
    throw error;
  }

  const faults = new FaultBook({ onChange: (hop, conditions) => hops[hop].setConditions(conditions), now });
  const inject = (request: LabFaultRequest, source: LabFault['source']) => {
    const fault = faults.inject(request, source);
    options.onFault?.(fault);
    return fault;
  };
  const schedule = new LabSchedule(
    config.schedule ?? DEFAULT_LAB_SCHEDULE,
    (entry) => inject(requestOf(entry), 'schedule'),
    now,
  );

  const target = labTarget({
    ports: { edge: hops.edge.port, lb: hops.lb.port, app: hops.app.port },
    heartbeat: config.heartbeat,
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    ...(options.correlationWindowMs === undefined
      ? {}
      : { correlationWindowMs: options.correlationWindowMs }),
  });

  let closing: Promise<void> | null = null;
  return {
    target,
    status: () => ({
      hops: LAB_HOPS.map((name) => ({
        name,
        port: hops[name].port,
        upstreamPort: hops[name].upstreamPort,
      })),
      faults: faults.list(),
      schedule: schedule.entries(),
    }),
    inject: (request) => inject(request, 'api'),
    clear: () => faults.clear(),
    close() {
      closing ??= (async () => {
        schedule.close();
        faults.close();
        await closeStarted();
      })();
      return closing;
    },
  };
}

/** A fault as one log line, snake_case like the "ws close" line, so the drops it causes can be joined to it. */
export function labFaultFields(fault: LabFault): Record<string, unknown> {
  return {
    hop: fault.hop,
    fault: fault.kind,
    source: fault.source,
    duration_ms: fault.endsAt - fault.startedAt,
    code: fault.code,
    status: fault.status,
    age_ms: fault.ageMs,
  };
}

function requestOf(entry: LabScheduleConfig): LabFaultRequest {
  return {
    hop: entry.hop,
    kind: entry.kind,
    durationMs: entry.durationMs,
    ...(entry.code === null ? {} : { code: entry.code }),
    ...(entry.status === null ? {} : { status: entry.status }),
    ...(entry.ageMs === null ? {} : { ageMs: entry.ageMs }),
  };
}
