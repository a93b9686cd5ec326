// A wall tile's RTT sparkline as SVG paths: the min–p99 band, the median line (broken where the leg had no
// answers), carets for buckets above the robust scale and ticks for lost heartbeats. Pure.
import type { RttPoint } from '@hopwatch/shared/protocol';
import { robustTop, typicalSpacing } from '../rtt/rtt-scale';

export interface SparklinePaths {
  top: number;
  band: string;
  median: string;
  clipped: string;
  lost: string;
}

export interface SparklineFrame {
  from: number;
  to: number;
  width: number;
  height: number;
  /** bucket width of the points, ms */
  step: number;
}

export function sparklinePaths(points: readonly RttPoint[], frame: SparklineFrame): SparklinePaths {
  const { from, to, width, height, step } = frame;
  const inWindow = points.filter((p) => p.t + step >= from && p.t <= to);
  const top = robustTop(inWindow);
  const span = Math.max(1, to - from);
  const x = (t: number) => (((t - from) / span) * width).toFixed(1);
  const y = (ms: number) => (height - (Math.min(ms, top) / top) * height).toFixed(1);
  // Neighbours further apart than a few heartbeats are a gap (the leg was down): the line breaks there.
  const spacing = typicalSpacing(inWindow);
  const joinGap = Math.max(step * 1.5, spacing * 2.5);

  let band = '';
  let median = '';
  let clipped = '';
  let lost = '';
  let run: RttPoint[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const first = run[0] as RttPoint;
    const centres = run.length === 1 ? [first.t, first.t + step] : run.map((p) => p.t + step / 2);
    const pts = run.length === 1 ? [first, first] : run;
    median += pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(centres[i] as number)} ${y(p.p50 ?? 0)}`).join('');
    const upper = pts
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(centres[i] as number)} ${y(p.p99 ?? 0)}`)
      .join('');
    const lower = pts
      .map((p, i) => `L${x(centres[i] as number)} ${y(p.min ?? 0)}`)
      .reverse()
      .join('');
    band += `${upper}${lower}Z`;
    run = [];
  };
  let previous: RttPoint | null = null;
  for (const p of inWindow) {
    const answered = p.n > 0 && p.p50 !== null;
    if (!answered || (previous !== null && p.t - previous.t > joinGap)) flush();
    if (answered) {
      run.push(p);
      if ((p.p99 ?? 0) > top) clipped += `M${x(p.t + step / 2)} 0l-3 5h6Z`;
    }
    if (p.lost > 0) lost += `M${x(p.t + step / 2)} ${height}v-5`;
    previous = answered ? p : previous;
  }
  flush();
  return { top, band, median, clipped, lost };
}
