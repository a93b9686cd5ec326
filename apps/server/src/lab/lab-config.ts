// The lab's target as the prober sees it: target `lab`, segments [last-mile, edge, lb, app], and one leg
// entering at each hop, so a fault on any hop is attributable from which legs dropped.
import { LAB_HOPS, LAB_TARGET, type LabHop } from '@hopwatch/shared/protocol';
import { CORRELATION_SLACK_MS } from '../config/defaults.js';
import { ENTRY_SUFFIX, LAST_MILE } from '../config/resolve.js';
import type { LabConfig, LegConfig, TargetConfig } from '../config/types.js';
import { LOOPBACK } from './listen.js';

export const LAB_SEGMENTS: readonly string[] = [LAST_MILE, ...LAB_HOPS];

export interface LabTargetOptions {
  /** the port each leg connects to: the port of the hop it enters */
  ports: Record<LabHop, number>;
  heartbeat: LabConfig['heartbeat'];
  /** quick by default (1 s, at most 10 s) so the demo's legs come back fast after each incident */
  reconnect?: { initialMs: number; maxMs: number };
  /** default: the heartbeat timeout plus 5 s */
  correlationWindowMs?: number;
}

export function labTarget(options: LabTargetOptions): TargetConfig {
  const heartbeat = {
    mode: 'message' as const,
    intervalMs: options.heartbeat.intervalMs,
    timeoutMs: options.heartbeat.timeoutMs,
    send: '{"type":"ping","seq":{{seq}}}',
    expect: '"seq":{{seq}}',
  };
  const reconnect = options.reconnect ?? { initialMs: 1_000, maxMs: 10_000 };
  const legs = LAB_HOPS.map(
    (hop, index): LegConfig => ({
      name: hop,
      url: `ws://${LOOPBACK}:${options.ports[hop]}/ws`,
      enters: hop,
      covers: [...LAB_HOPS.slice(index), `${hop}${ENTRY_SUFFIX}`],
      headers: {},
      subprotocols: [],
      origin: null,
      tls: { insecure: false, ca: null, servername: null },
      heartbeat: { ...heartbeat },
      reconnect: { ...reconnect },
      open: [],
    }),
  );
  return {
    name: LAB_TARGET,
    segments: [...LAB_SEGMENTS],
    correlationWindowMs: options.correlationWindowMs ?? heartbeat.timeoutMs + CORRELATION_SLACK_MS,
    legs,
  };
}
