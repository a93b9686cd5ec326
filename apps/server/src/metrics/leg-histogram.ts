// A histogram labelled {target, leg} that observes in a few dozen nanoseconds. prom-client's Histogram validates
// and hashes the label object on every observe(); `hopwatch_rtt_seconds` takes one sample per leg per heartbeat
// (10,000 a second at 10,000 legs), where that cost alone was a tenth of the main thread. Here each leg's series
// is found by one Map lookup and its bucket by a short scan; the exposition is the one prom-client writes.
import type { Registry } from 'prom-client';
import { LegMap } from '../events/leg-map.js';
import { legSlots, NO_SLOT, SlotMap } from '../events/leg-slots.js';

interface Series {
  labels: { target: string; leg: string };
  /** `target="…",leg="…"`, escaped once: a scrape of 10,000 legs writes 210,000 lines */
  text: string;
  /** per bucket (not cumulative), the last one past every bound (+Inf) */
  counts: Float64Array;
  sum: number;
  count: number;
}

interface ValuePair {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
  /** prom-client writes null for buckets (no exemplars here) and leaves it out of sum and count */
  exemplar?: null;
}

export interface LegHistogramOptions {
  name: string;
  help: string;
  /** upper bounds, ascending */
  buckets: readonly number[];
  registers: Registry[];
}

export class LegHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #bounds: readonly number[];
  /** in the order series were created (the exposition's order) */
  readonly #series = new Set<Series>();
  /** looked up by the event's own strings, without joining them into a new key (events/leg-map.ts) */
  readonly #byLeg = new LegMap<Series>();
  /**
   * by the leg slot a sample carries (events/leg-slots.ts), filled on first sight and emptied with #byLeg, so a
   * series found here is the one #byLeg holds
   */
  readonly #bySlot = new SlotMap<Series>();

  constructor(options: LegHistogramOptions) {
    this.name = options.name;
    this.help = options.help;
    this.#bounds = options.buckets;
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  /** `slot`: the leg slot of `labels` (events/leg-slots.ts), if the caller knows it */
  observe(labels: { target: string; leg: string }, value: number, slot = NO_SLOT): void {
    if (!Number.isFinite(value)) return;
    let series = slot === NO_SLOT ? undefined : this.#bySlot.get(slot);
    if (series === undefined) {
      series = this.#seriesOf(labels);
      if (slot !== NO_SLOT) this.#bySlot.set(slot, series);
    }
    let bucket = 0;
    while (bucket < this.#bounds.length && value > this.#bounds[bucket]!) bucket += 1;
    series.counts[bucket]! += 1;
    series.sum += value;
    series.count += 1;
  }

  #seriesOf(labels: { target: string; leg: string }): Series {
    let series = this.#byLeg.get(labels.target, labels.leg);
    if (!series) {
      series = {
        labels: { target: labels.target, leg: labels.leg },
        text: `target="${escapeLabelValue(labels.target)}",leg="${escapeLabelValue(labels.leg)}"`,
        counts: new Float64Array(this.#bounds.length + 1),
        sum: 0,
        count: 0,
      };
      this.#byLeg.set(labels.target, labels.leg, series);
      this.#series.add(series);
    }
    return series;
  }

  /** Removes one leg's series (a reload removed the leg). */
  remove(labels: Record<string, string>): void {
    const target = String(labels.target);
    const leg = String(labels.leg);
    const series = this.#byLeg.get(target, leg);
    if (!series) return;
    this.#byLeg.delete(target, leg);
    this.#series.delete(series);
    const slot = legSlots.find(target, leg);
    if (slot !== undefined) this.#bySlot.delete(slot);
  }

  reset(): void {
    this.#series.clear();
    this.#byLeg.clear();
    this.#bySlot.clear();
  }

  /**
   * The exposition text, byte for byte what prom-client's Registry writes for getForPromString() (a test compares
   * them), with the registry's default labels: written directly, because prom-client formats and escapes every
   * label of every line, which at 10,000 legs cost 2.5 s of CPU per scrape.
   */
  exposition(defaultLabels: Readonly<Record<string, string>>): string {
    let extra = '';
    for (const [name, value] of Object.entries(defaultLabels)) {
      if (name === 'target' || name === 'leg' || name === 'le') continue;
      extra += `${name}="${escapeLabelValue(String(value))}",`;
    }
    const bucketName = `${this.name}_bucket`;
    const les = this.#bounds.map((bound) => `${bucketName}{le="${bound}",${extra}`);
    const lines = [`# HELP ${this.name} ${escapeString(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    for (const series of this.#series.values()) {
      let cumulative = 0;
      for (let i = 0; i < les.length; i++) {
        cumulative += series.counts[i]!;
        lines.push(`${les[i]}${series.text}} ${cumulative}`);
      }
      lines.push(
        `${bucketName}{le="+Inf",${extra}${series.text}} ${series.count}`,
        `${this.name}_sum{${extra}${series.text}} ${series.sum}`,
        `${this.name}_count{${extra}${series.text}} ${series.count}`,
      );
    }
    return lines.join('\n');
  }

  /** What Registry.metrics() writes out: the same lines prom-client's Histogram writes. */
  getForPromString() {
    const values: ValuePair[] = [];
    for (const series of this.#series.values()) {
      const shared = series.labels;
      let cumulative = 0;
      for (let i = 0; i < this.#bounds.length; i++) {
        cumulative += series.counts[i]!;
        values.push({
          labels: { le: this.#bounds[i]! },
          sharedLabels: shared,
          value: cumulative,
          metricName: `${this.name}_bucket`,
          exemplar: null,
        });
      }
      values.push(
        {
          labels: { le: '+Inf' },
          sharedLabels: shared,
          value: series.count,
          metricName: `${this.name}_bucket`,
          exemplar: null,
        },
        { labels: {}, sharedLabels: shared, value: series.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: shared, value: series.count, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** What Registry.getMetricsAsJSON() returns: labels and shared labels in one object, as prom-client's. */
  get() {
    const data = this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ labels, sharedLabels, ...rest }) => ({
        ...rest,
        labels: { ...labels, ...sharedLabels },
      })),
    };
  }
}

function escapeString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(text: string): string {
  return escapeString(text).replace(/"/g, '\\"');
}
