// The "verdict" log line (docs/spec.md#3-command-line): every final verdict on a drop cluster leaves the dashboard as one
// JSON line, so Loki or grep can find which hop was blamed, when, and on what evidence. Provisional verdicts
// are not logged: they may still change, and the final one follows within two correlation windows.
import type { Verdict } from '@hopwatch/shared/protocol';
import type { EventBus } from '../events/bus.js';
import type { ProbeLogger } from '../probe/prober.js';

/** Logs final cluster verdicts; returns the unsubscribe. */
export function logIncidents(bus: EventBus, logger: ProbeLogger): () => void {
  return bus.subscribe(
    ({ event }) => {
      if (event.kind !== 'verdict' || !event.verdict.final || event.verdict.kind !== 'cluster') return;
      logger.info(verdictFields(event.verdict), 'verdict');
    },
    { rtt: 'ignore' },
  );
}

export function verdictFields(verdict: Verdict): Record<string, unknown> {
  return {
    target: verdict.target,
    verdict: verdict.id,
    at: verdict.at,
    suspects: verdict.suspects,
    confidence: verdict.confidence,
    dropped: verdict.dropped,
    clean: verdict.clean,
    unknown: verdict.unknown,
    signatures: verdict.signatures.map((s) => s.id),
    summary: verdict.summary,
  };
}
