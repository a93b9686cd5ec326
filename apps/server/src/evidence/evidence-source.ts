// The evidence series of a target over a window: each configured query asked of Prometheus, through one
// shared cache. Windows are snapped to their step, so dashboards and the verdict attacher asking about nearly
// the same time share one answer. A series that could not be read carries an error text, never a throw.
import { EVIDENCE_MAX_POINTS, type EvidencePoint, type EvidenceSeries } from '@hopwatch/shared/protocol';
import type { HopwatchConfig, TargetConfig } from '../config/types.js';
import { AnswerCache } from './answer-cache.js';
import { PrometheusError, queryRange } from './prometheus-client.js';

/** Long enough that a page of dashboards refreshing together shares one query, short enough to stay live. */
export const EVIDENCE_CACHE_TTL_MS = 10_000;
const CACHE_ENTRIES = 256;
const MIN_STEP_MS = 1_000;

export interface EvidenceWindow {
  from: number;
  to: number;
  /** asked for; widened when the range would need more than EVIDENCE_MAX_POINTS */
  stepMs?: number;
}

/** The window as queried: a whole-second step, and from/to on multiples of it. */
export function snapWindow(window: EvidenceWindow): { from: number; to: number; stepMs: number } {
  const range = Math.max(0, window.to - window.from);
  // Snapping adds at most two steps to the range, so leave room for them (and for both ends).
  const finest = Math.ceil(range / (EVIDENCE_MAX_POINTS - 3));
  const wanted = Math.max(window.stepMs ?? 0, finest, MIN_STEP_MS);
  const stepMs = Math.ceil(wanted / 1_000) * 1_000;
  return {
    from: Math.floor(window.from / stepMs) * stepMs,
    to: Math.ceil(window.to / stepMs) * stepMs,
    stepMs,
  };
}

export class EvidenceSource {
  readonly #config: () => Pick<HopwatchConfig, 'prometheus'>;
  readonly #cache: AnswerCache<EvidenceSeries[]>;
  readonly #now: () => number;
  /** queries actually sent to Prometheus, for tests and diagnostics */
  queries = 0;

  constructor(options: { config: () => Pick<HopwatchConfig, 'prometheus'>; now?: () => number }) {
    this.#config = options.config;
    this.#now = options.now ?? Date.now;
    this.#cache = new AnswerCache({
      ttlMs: EVIDENCE_CACHE_TTL_MS,
      maxEntries: CACHE_ENTRIES,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** Every evidence series of `target` over the window; [] when it has none. Never rejects. */
  series(target: TargetConfig, window: EvidenceWindow): Promise<EvidenceSeries[]> {
    const evidence = target.evidence ?? [];
    if (evidence.length === 0) return Promise.resolve([]);
    const prometheus = this.#config().prometheus;
    const snapped = snapWindow(window);
    // The settings are part of the key, so a reload that changes a query or the URL is never served stale.
    const key = JSON.stringify([target.name, snapped, evidence, prometheus]);
    return this.#cache.get(key, () =>
      Promise.all(
        evidence.map(async (series): Promise<EvidenceSeries> => {
          const shape = {
            name: series.name,
            segment: series.segment,
            query: series.query,
            above: series.above,
          };
          if (prometheus === null) return { ...shape, points: [], error: 'no prometheus is configured' };
          try {
            this.queries += 1;
            const points = await queryRange(prometheus, { query: series.query, ...snapped });
            // Past its last scrape Prometheus repeats the last value for 5 minutes: a window reaching
            // into the future would show samples nobody took yet.
            const taken = points.filter((p) => p.t <= this.#now());
            return { ...shape, points: capPoints(taken), error: null };
          } catch (error) {
            const message =
              error instanceof PrometheusError ? error.message : 'the Prometheus answer could not be read';
            return { ...shape, points: [], error: message };
          }
        }),
      ),
    );
  }
}

/** The contract's last line: whatever Prometheus sent, no series leaves with more points. */
function capPoints(points: EvidencePoint[]): EvidencePoint[] {
  return points.length > EVIDENCE_MAX_POINTS ? points.slice(-EVIDENCE_MAX_POINTS) : points;
}
