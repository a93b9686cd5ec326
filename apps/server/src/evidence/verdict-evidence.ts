// Attaches evidence to verdicts without ever delaying one. The judge publishes each verdict from the probe
// data at once; this listener then asks Prometheus (through the shared cache) about the verdict's window and
// the 2 minutes before it, and when series were above their thresholds publishes the verdict again with the
// same id, its `evidence` and a summary that names them. The store keeps the later one; the live hub relays
// it like any re-judged verdict.
//
// A verdict re-judged (a late drop, or a provisional one made final) while its evidence is being read
// supersedes the reading: only the newest publication of an id may be re-published. A Prometheus that is
// down or slow means the verdict simply stays as first published.
import { evidenceRange, findEvidence, withEvidence } from '@hopwatch/shared/evidence';
import type { Verdict } from '@hopwatch/shared/protocol';
import type { TargetConfig } from '../config/types.js';
import type { EventBus } from '../events/bus.js';
import type { EvidenceSource } from './evidence-source.js';

export interface VerdictEvidenceOptions {
  bus: EventBus;
  source: EvidenceSource;
  targets: () => readonly TargetConfig[];
  now?: () => number;
  /** told when attaching failed for a reason other than Prometheus (a bug); never thrown into the bus */
  onError?: (error: unknown, context: string) => void;
}

export class VerdictEvidence {
  readonly #bus: EventBus;
  readonly #source: EvidenceSource;
  readonly #targets: () => readonly TargetConfig[];
  readonly #now: () => number;
  readonly #onError: (error: unknown, context: string) => void;
  /** the newest publication of each verdict whose evidence is being read */
  readonly #reading = new Map<string, Verdict>();
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(options: VerdictEvidenceOptions) {
    this.#bus = options.bus;
    this.#source = options.source;
    this.#targets = options.targets;
    this.#now = options.now ?? Date.now;
    this.#onError =
      options.onError ?? ((error, context) => console.error(`hopwatch evidence: ${context}:`, error));
    this.#unsubscribe = options.bus.subscribe(
      ({ event }) => {
        if (event.kind === 'verdict') this.#onVerdict(event.verdict);
      },
      { rtt: 'ignore' },
    );
  }

  /** Verdicts whose evidence is still being read, for tests. */
  get pending(): number {
    return this.#reading.size;
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    this.#reading.clear();
  }

  #onVerdict(verdict: Verdict): void {
    if (this.#closed) return;
    const target = this.#targets().find((t) => t.name === verdict.target);
    if (target === undefined || (target.evidence ?? []).length === 0) return;
    // Our own re-publication (or a verdict that already has its evidence) is the end of the road.
    if (verdict.evidence.length > 0) {
      if (this.#reading.get(verdict.id) !== undefined) this.#reading.set(verdict.id, verdict);
      return;
    }
    this.#reading.set(verdict.id, verdict);
    void this.#attach(target, verdict).catch((error: unknown) =>
      this.#onError(error, `attaching evidence to verdict ${verdict.id}`),
    );
  }

  async #attach(target: TargetConfig, verdict: Verdict): Promise<void> {
    const window = { from: verdict.from, to: verdict.to };
    const series = await this.#source.series(target, evidenceRange(window));
    if (this.#closed || this.#reading.get(verdict.id) !== verdict) return;
    this.#reading.delete(verdict.id);
    const evidence = findEvidence({
      kind: verdict.kind,
      at: verdict.at,
      window,
      suspects: verdict.suspects,
      cleanLegs: target.legs.filter((leg) => verdict.clean.includes(leg.name)),
      series,
    });
    if (evidence.length === 0) return;
    const attached = withEvidence(verdict, evidence);
    this.#bus.publish({
      kind: 'verdict',
      ts: this.#now(),
      target: verdict.target,
      leg: null,
      verdict: attached,
    });
  }
}
