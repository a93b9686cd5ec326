// The worker thread's side of prober-thread.ts: a Prober whose events are posted to the main thread, a loop
// turn's worth at a time, with the status of every leg a session or state event touched.
import { parentPort } from 'node:worker_threads';
import type { HopEvent } from '@hopwatch/shared/protocol';
import { legKey, Prober } from './prober.js';
import type { FromWorker, LegConditions, ToWorker } from './prober-thread.js';

const port = parentPort;
if (!port) throw new Error('prober-worker.js runs in a worker thread (see prober-thread.ts)');

let prober: Prober | null = null;
/** the outage tracker's conditions, as of the last start or apply */
let conditions: LegConditions = {};
let events: HopEvent[] = [];
/** legs whose status a session or state event changed since the last batch */
const touched = new Map<string, { target: string; leg: string }>();
let flushing: NodeJS.Immediate | null = null;

function publish(event: HopEvent): void {
  events.push(event);
  if (event.kind !== 'rtt' && 'leg' in event && typeof event.leg === 'string') {
    touched.set(legKey(event.target, event.leg), { target: event.target, leg: event.leg });
  }
  if (!flushing) flushing = setImmediate(flush);
}

function flush(): void {
  flushing = null;
  if (events.length === 0) return;
  const statuses = [...touched].map(([key, { target, leg }]) => ({
    key,
    status: prober?.statusOf(target, leg) ?? null,
  }));
  const batch: FromWorker = { type: 'batch', events, statuses };
  events = [];
  touched.clear();
  port?.postMessage(batch);
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start': {
      if (prober) return;
      const { settings } = message;
      conditions = message.conditions;
      prober = new Prober({
        targets: message.targets,
        bus: { publish },
        conditionOf: (target, leg) => conditions[legKey(target, leg)] ?? null,
        stallThresholdMs: settings.stallThresholdMs,
        ...(settings.closeTimeoutMs ? { closeTimeoutMs: settings.closeTimeoutMs } : {}),
        ...(settings.alpnCheckIntervalMs ? { alpnCheckIntervalMs: settings.alpnCheckIntervalMs } : {}),
      });
      prober.start();
      return;
    }
    case 'apply':
      conditions = message.conditions;
      prober?.apply(message.targets);
      return;
    case 'stop':
      void (prober?.stop() ?? Promise.resolve()).then(() => {
        flush();
        port?.postMessage({ type: 'stopped' } satisfies FromWorker);
      });
      return;
  }
});
