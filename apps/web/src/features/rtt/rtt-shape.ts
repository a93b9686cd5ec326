// One leg's RTT series turned into the rows its SmokePing-style chart (recharts) draws: the median line, the
// min–p99 and min–max spreads as shaded range areas, lost heartbeats as marks and buckets with suspect
// (prober-stall) samples as grey columns. Pure; the chart only hands these to recharts.
import type { RttPoint, RttResponse } from '@hopwatch/shared/protocol';
import { mergePoints, STEP_LADDER } from '@hopwatch/shared/series';
import { robustTop, rttTicks, typicalSpacing } from './rtt-scale';

/** One row of the chart's data, on the shared (numeric, epoch ms) time axis. */
export interface RttChartRow {
  /** a bucket's centre; a lone bucket gets two rows, at its edges, so it has a width at all */
  t: number;
  /** y values clipped to the axis top; null breaks the line and both bands (recharts `connectNulls` off) */
  p50: number | null;
  /** [min, p99]: a recharts range area */
  p99Band: [number, number] | null;
  /** [min, max]: a recharts range area */
  rangeBand: [number, number] | null;
  /** the bucket as measured (not clipped), for the readout; null on a row that only breaks the line */
  bucket: RttPoint | null;
}

export interface RttChartShape {
  /** bucket width, ms */
  step: number;
  yMax: number;
  yTicks: number[];
  /**
   * Frozen: recharts keeps a chart's data in its Immer store, which walks and freezes every row (and every
   * row's bucket) of a data array it finds unfrozen, on each chart it mounts; a frozen array it takes as is.
   */
  rows: readonly RttChartRow[];
  /** centres of buckets with lost heartbeats, and how many were lost */
  lost: { t: number; count: number }[];
  /** runs of buckets holding samples taken while hopwatch itself stalled */
  suspect: { from: number; to: number }[];
  /** centres of buckets whose p99 (or median) lies above the axis top: drawn clipped, marked at the top */
  clipped: { t: number; p99: number }[];
}

/**
 * Shapes a series for the chart. The y axis is robust (rtt-scale.ts): a high percentile of the buckets' p99,
 * so one outlier cannot flatten the day; what lies above is clipped and listed in `clipped`.
 */
export function shapeRttChart(points: readonly RttPoint[], step: number): RttChartShape {
  const yMax = robustTop(points);
  const clip = (ms: number | null) => Math.min(ms ?? 0, yMax);
  // Buckets finer than the heartbeat interval leave empty buckets between answered ones; those are not gaps.
  const joinGap = Math.max(step * 1.5, typicalSpacing(points) * 2.5);
  const contiguous = (a: RttPoint, b: RttPoint) => b.t - a.t <= joinGap;
  const clipped: { t: number; p99: number }[] = [];

  const rows: RttChartRow[] = [];
  const lost: { t: number; count: number }[] = [];
  const suspect: { from: number; to: number }[] = [];
  const gap = (t: number, bucket: RttPoint | null): RttChartRow => ({
    t,
    p50: null,
    p99Band: null,
    rangeBand: null,
    bucket,
  });
  const answeredRow = (t: number, p: RttPoint): RttChartRow => ({
    t,
    p50: clip(p.p50),
    p99Band: [clip(p.min), clip(p.p99)],
    rangeBand: [clip(p.min), clip(p.max)],
    bucket: p,
  });

  let previous: RttPoint | null = null;
  for (let i = 0; i < points.length; i += 1) {
    const p = points[i] as RttPoint;
    const next = points[i + 1];
    const centre = p.t + step / 2;
    // A missing bucket (the leg was down) breaks the line: a row of nulls between the two neighbours.
    if (previous !== null && !contiguous(previous, p)) rows.push(gap((previous.t + step + p.t) / 2, null));
    if (!answered(p)) rows.push(gap(centre, p));
    else {
      const alone =
        (previous === null || !answered(previous) || !contiguous(previous, p)) &&
        (next === undefined || !answered(next) || !contiguous(p, next));
      if (alone) rows.push(answeredRow(p.t, p), answeredRow(p.t + step, p));
      else rows.push(answeredRow(centre, p));
    }

    if (p.lost > 0) lost.push({ t: centre, count: p.lost });
    const worst = Math.max(p.p99 ?? 0, p.p50 ?? 0);
    if (answered(p) && worst > yMax) clipped.push({ t: centre, p99: worst });
    if (p.suspect > 0) {
      const last = suspect[suspect.length - 1];
      if (last && p.t <= last.to) last.to = Math.max(last.to, p.t + step);
      else suspect.push({ from: p.t, to: p.t + step });
    }
    previous = p;
  }

  return { step, yMax, yTicks: rttTicks(yMax), rows: Object.freeze(rows), lost, suspect, clipped };
}

/**
 * The series with no bucket narrower than a pixel column of a chart `width` px wide over a window `spanMs`
 * long: buckets merged to the smallest ladder step that is a whole multiple of the series' step (so no
 * bucket straddles two) and fits. Finer buckets draw nothing a person can see, and cost the page time to
 * lay out (recharts draws every point of three series). Takes the span, not the window, so a live window
 * moving on does not re-merge the series on every tick.
 */
export function fitRttToWidth(series: RttResponse, spanMs: number, width: number): RttResponse {
  const columns = Math.max(2, Math.floor(width));
  // Aligned buckets of width s over any window of this span number at most ceil(span / s) + 1.
  const smallest = Math.max(1, spanMs) / (columns - 1);
  if (series.step >= smallest) return series;
  const step =
    STEP_LADDER.find((s) => s > series.step && s % series.step === 0 && s >= smallest) ??
    // Past the ladder (or no multiple on it): a whole multiple of the series' step.
    series.step * Math.max(2, Math.ceil(smallest / series.step));
  return { step, points: mergePoints(series.points, step) };
}

function answered(p: RttPoint): boolean {
  return p.n > 0 && p.p50 !== null;
}
