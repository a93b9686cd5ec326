// The shape a leg's RTT chart draws, paced to the live window. recharts redraws a whole chart (every point
// of three series) whenever its data or its x domain changes, and in a live window both change about once a
// second per leg: each heartbeat adds a sample, and the window moves on every tick (one pixel column of
// time, at least 1 s). Taking up a new series only on a tick makes the two one redraw.
import type { RttResponse } from '@hopwatch/shared/protocol';
import { useMemo, useState } from 'react';
import { fitRttToWidth, type RttChartShape, shapeRttChart } from './rtt-shape';

/** The series a chart shows, and the tick it was taken up on. */
export interface TakenSeries {
  series: RttResponse | undefined;
  /** the live window's tick; null for a window fixed in the past */
  tick: number | null;
}

/**
 * Whether the chart takes up `series` now: on every tick of a live window; at once for its first series
 * (nothing drawn yet) and in a fixed window (whose series changes only when it is fetched again).
 */
export function takesSeries(
  taken: TakenSeries,
  series: RttResponse | undefined,
  tick: number | null,
): boolean {
  if (taken.tick !== tick) return true;
  if (taken.series === series) return false;
  return tick === null || taken.series === undefined;
}

/** `spanMs` and `width` fit the series to the chart's pixel columns (see fitRttToWidth). */
export function useRttChart(
  series: RttResponse | undefined,
  spanMs: number,
  width: number,
  tick: number | null,
): RttChartShape {
  const [taken, setTaken] = useState<TakenSeries>({ series, tick });
  let shown = taken;
  if (takesSeries(taken, series, tick)) {
    // Adjusting state while rendering (React re-renders at once), so a tick is never drawn with old data.
    shown = { series, tick };
    setTaken(shown);
  }
  const fitted = useMemo(
    () => shown.series && fitRttToWidth(shown.series, spanMs, width),
    [shown.series, spanMs, width],
  );
  return useMemo(() => shapeRttChart(fitted?.points ?? [], fitted?.step ?? 1_000), [fitted]);
}
