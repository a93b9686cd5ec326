// The RTT chart's y axis, robust to outliers: the top follows a high percentile of the buckets' p99 (not the
// single worst bucket), so one 500 ms spike cannot flatten a day of 1.3 ms medians. What lies above the top
// is clipped and marked, never silently dropped. Pure; tested with tables.

/** Nearest-rank percentile (q in [0, 1]) of the finite values; null for none. */
export function percentile(values: readonly number[], q: number): number | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

/** 1, 2, 5 × 10^k at or above `value`: an axis top a person reads at a glance. */
export function niceCeil(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const nice = [1, 2, 5, 10].find((m) => m * magnitude >= value * (1 - 1e-9)) ?? 10;
  return nice * magnitude;
}

/** Which share of buckets may poke above the axis top before it is raised for them. */
export const CLIP_PERCENTILE = 0.95;
/** Room above the chosen top, so the band does not touch the frame. */
const HEADROOM = 1.1;

export interface RttScaleInput {
  p50: number | null;
  p99: number | null;
}

/**
 * The axis top for these buckets: the CLIP_PERCENTILE-th p99, or the highest median if that is higher (the
 * median line itself is never clipped for long), with headroom, rounded to a nice number.
 */
export function robustTop(buckets: readonly RttScaleInput[]): number {
  const p99s: number[] = [];
  let highestMedian = 0;
  for (const b of buckets) {
    if (b.p99 !== null) p99s.push(b.p99);
    if (b.p50 !== null && b.p50 > highestMedian) highestMedian = b.p50;
  }
  const high = percentile(p99s, CLIP_PERCENTILE) ?? 0;
  return niceCeil(Math.max(high, highestMedian) * HEADROOM);
}

/** Three ticks, 0, half and the top: enough on an 80 px chart, each labelled with its unit. */
export function rttTicks(top: number): number[] {
  return [0, top / 2, top];
}

/** `0`, `2.5 ms`, `500 ms`, `1.5 s`: a tick label with its unit. */
export function formatRttTick(ms: number): string {
  if (ms === 0) return '0';
  if (ms >= 1_000) return `${+(ms / 1_000).toPrecision(3)} s`;
  return `${+ms.toPrecision(3)} ms`;
}

/** The median distance between neighbouring buckets: about the heartbeat interval once buckets are finer. */
export function typicalSpacing(points: readonly { t: number }[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < points.length; i += 1)
    gaps.push((points[i] as { t: number }).t - (points[i - 1] as { t: number }).t);
  return percentile(gaps, 0.5) ?? 0;
}
