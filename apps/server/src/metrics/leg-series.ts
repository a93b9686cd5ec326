// Keeps the per-leg series of /metrics in step with the configured legs. A reload may remove a leg: its series
// must go, or `hopwatch_leg_up == 0` keeps firing HopwatchLegDown for a leg that no longer exists. A new leg's
// counters start at 0, so the first drop is an increase() from 0 rather than a series appearing at 1.
import type { Cause } from '@hopwatch/shared/protocol';
import { Registry } from 'prom-client';
import { LegHistogram } from './leg-histogram.js';

export interface LegLabels {
  target: string;
  leg: string;
}

/** A per-leg metric: `remove` takes the full label set, so cause-labelled ones are removed cause by cause. */
interface LegMetric {
  remove(labels: Record<string, string>): void;
}

/** A counter (or gauge) that `inc(labels, 0)` creates at 0 without changing a value it already holds. */
interface ZeroableMetric extends LegMetric {
  inc(labels: Record<string, string>, value: number): void;
}

export interface LegSeriesOptions {
  legs: () => readonly LegLabels[];
  /** labelled {target, leg}, created at 0 for every configured leg (counters, and leg_up) */
  zeroed: ZeroableMetric[];
  /**
   * labelled {target, leg, cause}, created at 0 for each of its causes: drops for the causes of an established
   * session's end, connect failures for those of a failed attempt
   */
  zeroedByCause: Array<{ metric: ZeroableMetric; causes: readonly Cause[] }>;
  /** labelled {target, leg}, only removed (histograms: prom-client's zero() would reset one that has samples) */
  removed: LegMetric[];
}

export class LegSeries {
  readonly #options: LegSeriesOptions;
  /** every leg a series may exist for: configured at the last sync, or named by an event since */
  readonly #known = new Map<string, LegLabels>();

  constructor(options: LegSeriesOptions) {
    this.#options = options;
  }

  /** Called for each event's leg: a leg a reload retired may still publish while it closes. */
  saw(target: string, leg: string): void {
    const key = legKey(target, leg);
    if (!this.#known.has(key)) this.#known.set(key, { target, leg });
  }

  /** Removes the series of legs no longer configured and creates missing counters at 0. */
  sync(): void {
    const configured = new Map(this.#options.legs().map((l) => [legKey(l.target, l.leg), l] as const));
    for (const [key, labels] of this.#known) {
      if (configured.has(key)) continue;
      this.#known.delete(key);
      for (const metric of [...this.#options.zeroed, ...this.#options.removed]) metric.remove({ ...labels });
      for (const { metric, causes } of this.#options.zeroedByCause) {
        for (const cause of causes) metric.remove({ ...labels, cause });
      }
    }
    for (const [key, labels] of configured) {
      this.#known.set(key, labels);
      for (const metric of this.#options.zeroed) metric.inc({ ...labels }, 0);
      for (const { metric, causes } of this.#options.zeroedByCause) {
        for (const cause of causes) metric.inc({ ...labels, cause }, 0);
      }
    }
  }
}

function legKey(target: string, leg: string): string {
  return `${target}\u0000${leg}`;
}

/** A registry that runs `beforeScrape` first on every scrape, so what it serves matches the config now. */
export class SyncedRegistry extends Registry {
  readonly #beforeScrape: () => void;
  #defaultLabels: Record<string, string> = {};

  constructor(beforeScrape: () => void) {
    super();
    this.#beforeScrape = beforeScrape;
  }

  override setDefaultLabels(labels: Record<string, string>): void {
    this.#defaultLabels = { ...labels };
    super.setDefaultLabels(labels);
  }

  override async metrics(): Promise<string> {
    this.#beforeScrape();
    if (this.contentType !== Registry.PROMETHEUS_CONTENT_TYPE) return super.metrics();
    // As Registry.metrics() joins them, with the per-leg histograms written by themselves (leg-histogram.ts).
    const texts = await Promise.all(
      this.getMetricsAsArray().map((metric: unknown) =>
        metric instanceof LegHistogram
          ? metric.exposition(this.#defaultLabels)
          : this.getSingleMetricAsString((metric as { name: string }).name),
      ),
    );
    return `${texts.join('\n\n')}\n`;
  }
}
