// The real paths the signature corpus is recorded on: the lab as users run it, or its hops in front of an app
// of the recorder's choosing, with direct access to each hop for conditions no fault kind sets (idle timeout).
import { LAB_HOPS, type LabHop } from '@hopwatch/shared/protocol';
import type { TargetConfig } from '../../config/types.js';
import { HopProxy } from '../../lab/hop-proxy.js';
import { labTarget } from '../../lab/lab-config.js';

export interface HopPath {
  target: TargetConfig;
  hops: Record<LabHop, HopProxy>;
  close(): Promise<void>;
}

/** edge → lb → app → the service on `upstreamPort`, as in the lab, with the lab's target and legs. */
export async function hopPath(
  upstreamPort: number,
  options: {
    heartbeat: { intervalMs: number; timeoutMs: number };
    reconnect: { initialMs: number; maxMs: number };
    correlationWindowMs: number;
  },
): Promise<HopPath> {
  const built: Partial<Record<LabHop, HopProxy>> = {};
  let port = upstreamPort;
  for (const name of [...LAB_HOPS].reverse()) {
    const hop = await HopProxy.start({ name, upstreamPort: port });
    built[name] = hop;
    port = hop.port;
  }
  const hops = built as Record<LabHop, HopProxy>;
  return {
    hops,
    target: labTarget({
      ports: { edge: hops.edge.port, lb: hops.lb.port, app: hops.app.port },
      heartbeat: options.heartbeat,
      reconnect: options.reconnect,
      correlationWindowMs: options.correlationWindowMs,
    }),
    async close() {
      for (const name of LAB_HOPS) await hops[name].close();
    },
  };
}
