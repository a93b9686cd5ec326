// The worker thread's side of prober-thread.ts: a Prober whose events are posted to the main thread packed
// (event-batch.ts), RTT samples every 50 ms and anything else at the end of its loop turn, with the status of
// every leg a session or state event touched.
import { parentPort } from 'node:worker_threads';
import type { HopEvent } from '@hopwatch/shared/protocol';
import { EventPacker, MAX_STRINGS } from './event-batch.js';
import { legKey, Prober } from './prober.js';
import type { FromWorker, LegConditions, ToWorker } from './prober-thread.js';

const port = parentPort;
if (!port) throw new Error('prober-worker.js runs in a worker thread (see prober-thread.ts)');

let prober: Prober | null = null;
/** the outage tracker's conditions, as of the last start or apply */
let conditions: LegConditions = {};
/** legs whose status a session or state event changed since the last batch */
const touched = new Map<string, { target: string; leg: string }>();
/**
 * RTT samples wait up to this long for company: 10,000 legs answer ten pongs a millisecond, and a message per
 * loop turn would wake the main thread thousands of times a second. Anything else (a session's end, a state
 * change) goes at the end of the loop turn, so detection does not wait for the batch.
 */
const RTT_BATCH_MS = 50;
let flushing: NodeJS.Immediate | null = null;
let batching: NodeJS.Timeout | null = null;
const packer = new EventPacker(MAX_STRINGS, () => {
  if (!batching && !flushing) batching = setTimeout(flush, RTT_BATCH_MS);
});

function publish(event: HopEvent): void {
  packer.add(event);
  if (event.kind === 'rtt') return; // the packer arms the batch timer
  if ('leg' in event && typeof event.leg === 'string') {
    touched.set(legKey(event.target, event.leg), { target: event.target, leg: event.leg });
  }
  if (!flushing) flushing = setImmediate(flush);
}

function flush(): void {
  if (flushing) clearImmediate(flushing);
  if (batching) clearTimeout(batching);
  flushing = null;
  batching = null;
  if (packer.size === 0) return;
  const statuses = [...touched].map(([key, { target, leg }]) => ({
    key,
    status: prober?.statusOf(target, leg) ?? null,
  }));
  const events = packer.take();
  const batch: FromWorker = { type: 'batch', events, statuses };
  touched.clear();
  port?.postMessage(batch, [events.rtt.buffer]);
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start': {
      if (prober) return;
      const { settings } = message;
      conditions = message.conditions;
      prober = new Prober({
        targets: message.targets,
        bus: { publish, rttWriters: (target, leg, sessionId) => packer.session(target, leg, sessionId) },
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
