// Pure evidence: from a Prometheus series' points, its threshold and a verdict's facts to the evidence the
// verdict names, and the sentence it adds to the verdict's summary (docs/spec.md#9-evidence-from-prometheus). No I/O: the server feeds
// it what Prometheus answered, the tests feed it tables.
//
// "Weight": evidence never changes a verdict's suspects or confidence, which rest on the legs alone; a
// metric that lines up is correlation, not attribution. It weighs by order and by wording: series on a
// suspect segment (`supports`) come first and lead the summary's evidence clause, series on a segment a
// clean leg crosses (`ruled-out`) come last and say why they do not explain the drops.
import { age, listAnd } from '../attribution/text.js';
import type { TimeWindow } from '../attribution/types.js';
import {
  EVIDENCE_LOOKBACK_MS,
  type EvidenceBearing,
  type EvidencePoint,
  type VerdictEvidence,
} from '../protocol/evidence.js';
import type { Verdict } from '../protocol/verdict.js';

/** One configured series with the points Prometheus gave for the verdict's time. */
export interface EvidenceSeriesFacts {
  name: string;
  segment: string;
  above: number;
  points: readonly EvidencePoint[];
}

export interface EvidenceFacts {
  kind: Verdict['kind'];
  /** the first drop, or the reported time */
  at: number;
  /** the verdict's judged window; the EVIDENCE_LOOKBACK_MS before it count too */
  window: TimeWindow;
  suspects: readonly string[];
  /** the legs that stayed clean, with every segment they cross */
  cleanLegs: readonly { name: string; covers: readonly string[] }[];
  series: readonly EvidenceSeriesFacts[];
}

const BEARING_ORDER: Record<EvidenceBearing, number> = { supports: 0, unrelated: 1, 'ruled-out': 2 };

/** The range of time whose samples count as evidence for a verdict over `window`. */
export function evidenceRange(window: TimeWindow): TimeWindow {
  return { from: window.from - EVIDENCE_LOOKBACK_MS, to: window.to };
}

/** Every series above its threshold in the evidence range, supporting ones first, then by when it began. */
export function findEvidence(facts: EvidenceFacts): VerdictEvidence[] {
  const range = evidenceRange(facts.window);
  const found: VerdictEvidence[] = [];
  for (const series of facts.series) {
    const above = series.points.filter(
      (p) => p.t >= range.from && p.t <= range.to && Number.isFinite(p.v) && p.v > series.above,
    );
    const first = above[0];
    const last = above[above.length - 1];
    if (first === undefined || last === undefined) continue;
    const peak = Math.max(...above.map((p) => p.v));
    const clean = facts.cleanLegs.filter((leg) => leg.covers.includes(series.segment)).map((l) => l.name);
    const bearing: EvidenceBearing = facts.suspects.includes(series.segment)
      ? 'supports'
      : clean.length > 0
        ? 'ruled-out'
        : 'unrelated';
    const item = { name: series.name, segment: series.segment, peak, above: series.above };
    found.push({
      ...item,
      from: first.t,
      to: last.t,
      bearing,
      summary: describeEvidence({ ...item, from: first.t, bearing, clean, kind: facts.kind, at: facts.at }),
    });
  }
  return found.sort((a, b) => BEARING_ORDER[a.bearing] - BEARING_ORDER[b.bearing] || a.from - b.from);
}

interface Described {
  name: string;
  segment: string;
  peak: number;
  above: number;
  from: number;
  bearing: EvidenceBearing;
  clean: readonly string[];
  kind: Verdict['kind'];
  at: number;
}

/**
 * "devvm-io-pressure on app was 0.8 (above 0.2) from 12s before the drops", or for a segment ruled out:
 * "node-pressure on edge does not explain it: edge stayed clean (peak 0.8, above 0.2)".
 */
export function describeEvidence(item: Described): string {
  const level = `${formatValue(item.peak)} (above ${formatValue(item.above)})`;
  if (item.bearing === 'ruled-out') {
    const verb = item.clean.length > 1 ? 'all stayed clean' : 'stayed clean';
    return `${item.name} on ${item.segment} does not explain it: ${listAnd(item.clean)} ${verb} (peak ${level})`;
  }
  return `${item.name} on ${item.segment} was ${level} ${relativeTime(item.from, item.at, item.kind)}`;
}

function relativeTime(from: number, at: number, kind: Verdict['kind']): string {
  const ref = kind === 'reported' ? 'the reported time' : 'the drops';
  if (from < at) return `from ${age(at - from)} before ${ref}`;
  if (from === at) return `from ${ref} on`;
  return `from ${age(from - at)} after ${kind === 'reported' ? ref : 'the first drop'}`;
}

/** Three significant digits, no exponent for everyday magnitudes: 0.8, 0.123, 1230, 12.5. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(3)));
}

/**
 * The verdict with its evidence, the summary naming it: the probe sentence, then " — " and the evidence,
 * supporting first. Starts from the verdict as the legs alone judged it, so attaching twice says it once.
 */
export function withEvidence(verdict: Verdict, evidence: readonly VerdictEvidence[]): Verdict {
  const base = stripEvidenceClause(verdict);
  if (evidence.length === 0) return { ...verdict, summary: base, evidence: [] };
  return {
    ...verdict,
    evidence: [...evidence],
    summary: `${base}${EVIDENCE_SEPARATOR}${evidence.map((e) => e.summary).join('; ')}`,
  };
}

const EVIDENCE_SEPARATOR = ' — ';

function stripEvidenceClause(verdict: Verdict): string {
  const clause = verdict.evidence.map((e) => e.summary).join('; ');
  const suffix = `${EVIDENCE_SEPARATOR}${clause}`;
  return verdict.evidence.length > 0 && verdict.summary.endsWith(suffix)
    ? verdict.summary.slice(0, -suffix.length)
    : verdict.summary;
}

/**
 * The stretches a series spent above its threshold, for shading: each runs from its first sample above to
 * the sample after its last (or one step past it at the end of the series).
 */
export function spansAbove(points: readonly EvidencePoint[], above: number, stepMs: number): TimeWindow[] {
  const spans: TimeWindow[] = [];
  let open: number | null = null;
  points.forEach((point, index) => {
    const high = Number.isFinite(point.v) && point.v > above;
    const next = points[index + 1];
    if (high && open === null) open = point.t;
    const closesHere = next === undefined || !(Number.isFinite(next.v) && next.v > above);
    // A gap in the series (a missing sample) ends a span too: nothing is known of the time in between.
    const gap = next !== undefined && next.t - point.t > stepMs * 1.5;
    if (open !== null && (closesHere || gap)) {
      spans.push({ from: open, to: next !== undefined && !gap ? next.t : point.t + stepMs });
      open = null;
    }
  });
  return spans;
}
