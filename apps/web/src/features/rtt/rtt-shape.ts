// One leg's RTT series turned into what its SmokePing-style chart draws: the median line, the min–p99 and
// min–max spreads as shaded bands, lost heartbeats as marks, and buckets with suspect (prober-stall)
// samples as grey columns. Pure; the chart component only places the strings it returns.
import type { RttPoint } from '@hopwatch/shared/protocol';
import type { TimeScale } from '../../lib/time-scale';

export interface RttChartShape {
  yMax: number;
  yTicks: number[];
  medianPath: string;
  p99Band: string;
  rangeBand: string;
  /** x of buckets with lost heartbeats, and how many were lost */
  lost: { x: number; count: number }[];
  /** columns of buckets holding samples taken while hopwatch itself stalled */
  suspect: { x: number; width: number }[];
}

/** 1, 2, 5 × 10^k at or above `value`: an axis top a person reads at a glance. */
export function niceCeil(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const nice = [1, 2, 5, 10].find((m) => m * magnitude >= value * (1 - 1e-9)) ?? 10;
  return nice * magnitude;
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Shapes a series for a chart `height` pixels tall on the shared time axis. The y axis is scaled to the
 * largest p99 rather than the largest max, so one outlier cannot flatten the day; the max band is clipped.
 */
export function shapeRttChart(
  points: readonly RttPoint[],
  step: number,
  scale: TimeScale,
  height: number,
): RttChartShape {
  let top = 0;
  for (const p of points) if (p.p99 !== null && p.p99 > top) top = p.p99;
  const yMax = niceCeil(top * 1.1);
  const y = (ms: number) => round(height - (Math.min(ms, yMax) / yMax) * height);
  const minWidth = 1;

  const median: string[] = [];
  const p99: string[] = [];
  const range: string[] = [];
  const lost: { x: number; count: number }[] = [];
  const suspect: { x: number; width: number }[] = [];

  for (const run of answeredRuns(points, step)) {
    const xs = run.map((p) => round(scale.x(p.t + step / 2)));
    // A run of one bucket gets the bucket's width so it is visible at all.
    if (run.length === 1 && run[0]) {
      const x0 = round(scale.x(run[0].t));
      const x1 = round(Math.max(scale.x(run[0].t + step), x0 + minWidth));
      xs.splice(0, 1, x0, x1);
      run.splice(0, 1, run[0], run[0]);
    }
    median.push(
      line(
        xs,
        run.map((p) => y(p.p50 ?? 0)),
      ),
    );
    p99.push(
      band(
        xs,
        run.map((p) => y(p.p99 ?? 0)),
        run.map((p) => y(p.min ?? 0)),
      ),
    );
    range.push(
      band(
        xs,
        run.map((p) => y(p.max ?? 0)),
        run.map((p) => y(p.min ?? 0)),
      ),
    );
  }

  for (const p of points) {
    const x = round(scale.x(p.t + step / 2));
    if (p.lost > 0) {
      const last = lost[lost.length - 1];
      if (last && Math.abs(last.x - x) < 2) last.count += p.lost;
      else lost.push({ x, count: p.lost });
    }
    if (p.suspect > 0) {
      const x0 = round(scale.x(p.t));
      const x1 = round(Math.max(scale.x(p.t + step), x0 + minWidth));
      const last = suspect[suspect.length - 1];
      if (last && x0 <= last.x + last.width + 0.5) last.width = round(Math.max(last.width, x1 - last.x));
      else suspect.push({ x: x0, width: round(x1 - x0) });
    }
  }

  return {
    yMax,
    yTicks: [0, yMax / 2, yMax],
    medianPath: median.join(''),
    p99Band: p99.join(''),
    rangeBand: range.join(''),
    lost,
    suspect,
  };
}

/** Consecutive buckets with answers; a missing bucket (the leg was down) or an all-lost one breaks the line. */
function answeredRuns(points: readonly RttPoint[], step: number): RttPoint[][] {
  const runs: RttPoint[][] = [];
  let run: RttPoint[] = [];
  let previous: RttPoint | null = null;
  for (const p of points) {
    const answered = p.n > 0 && p.p50 !== null;
    const contiguous = previous !== null && p.t - previous.t <= step * 1.5;
    if (!answered || !contiguous) {
      if (run.length > 0) runs.push(run);
      run = [];
    }
    if (answered) run.push(p);
    previous = p;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function line(xs: number[], ys: number[]): string {
  return xs.map((x, i) => `${i === 0 ? 'M' : 'L'}${x} ${ys[i]}`).join('');
}

function band(xs: number[], upper: number[], lower: number[]): string {
  const forward = xs.map((x, i) => `${i === 0 ? 'M' : 'L'}${x} ${upper[i]}`).join('');
  const back = xs
    .map((x, i) => `L${x} ${lower[i]}`)
    .reverse()
    .join('');
  return `${forward}${back}Z`;
}
