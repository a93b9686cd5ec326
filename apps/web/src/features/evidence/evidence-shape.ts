// From an evidence series to what its row draws on the shared time axis: the line (broken at gaps), the
// threshold's height, and the stretches above it to shade. Pure, so the chart stays presentational.
import { spansAbove } from '@hopwatch/shared/evidence';
import type { EvidenceSeries } from '@hopwatch/shared/protocol';

export interface EvidenceScale {
  from: number;
  to: number;
  width: number;
  x(t: number): number;
}

export interface EvidenceShape {
  /** SVG path data of the line; empty when there are no points */
  path: string;
  /** y of the threshold line, px from the top */
  thresholdY: number;
  /** stretches above the threshold, clipped to the plot, in px */
  above: { x: number; width: number }[];
  /** the value at the top of the plot */
  top: number;
  /** the newest value, for the row's header */
  last: number | null;
  peak: number | null;
}

/** Padding inside the plot so a value at the top or at zero is not drawn on the border. */
const PAD = 3;

export function shapeEvidence(series: EvidenceSeries, scale: EvidenceScale, height: number): EvidenceShape {
  const points = series.points;
  const values = points.map((p) => p.v);
  const peak = values.length > 0 ? Math.max(...values) : null;
  const low = Math.min(0, ...values);
  // The threshold always shows, with room above it: a quiet series reads as "well below".
  const top = Math.max(peak ?? 0, series.above * 1.25, series.above + 1e-9, low + 1e-9);
  const y = (v: number) => PAD + (1 - (v - low) / (top - low)) * (height - 2 * PAD);
  const step = typicalStep(points.map((p) => p.t));

  let path = '';
  points.forEach((point, index) => {
    const previous = points[index - 1];
    const gap = previous === undefined || point.t - previous.t > step * 1.5;
    path += `${gap ? 'M' : 'L'}${round(scale.x(point.t))},${round(y(point.v))}`;
  });

  const above = spansAbove(points, series.above, step)
    .map((span) => {
      const x0 = Math.max(0, scale.x(span.from));
      const x1 = Math.min(scale.width, scale.x(span.to));
      return { x: round(x0), width: round(Math.max(1, x1 - x0)) };
    })
    .filter((span) => span.x < scale.width && span.x + span.width > 0);

  return {
    path,
    thresholdY: round(y(series.above)),
    above,
    top,
    last: points[points.length - 1]?.v ?? null,
    peak,
  };
}

/** The series' step: the smallest spacing between samples (Prometheus answers on a fixed grid). */
function typicalStep(times: readonly number[]): number {
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i += 1) step = Math.min(step, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return Number.isFinite(step) && step > 0 ? step : 1_000;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
