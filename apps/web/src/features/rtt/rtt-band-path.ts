// The RTT chart's two SmokePing bands (min–max, min–p99) as SVG paths, built from the chart's rows on
// recharts' own scales. recharts' <Area> would draw the same polygons, but copies every point of a range
// area into a new object and runs a chain of store selectors per series: on a page of ten legs that was
// most of the load time (docs/dashboard-screens.md). Pure, so the polygons are tested with tables.
import type { RttChartRow } from './rtt-shape';

/** Which band of a row: [low, high] in ms, or null where the band breaks. */
export type BandKey = 'rangeBand' | 'p99Band';

/** A scale as recharts' hooks hand it out: undefined for a value it cannot place. */
export type Scale = (value: number) => number | undefined;

/**
 * One closed polygon per run of rows that have the band (a null band breaks it, as the median line breaks):
 * along the high edge left to right, back along the low edge. '' when no row has the band.
 */
export function bandPath(rows: readonly RttChartRow[], key: BandKey, x: Scale, y: Scale): string {
  let path = '';
  let high = '';
  let low: string[] = [];
  const close = () => {
    if (high !== '') path += `${high}${low.reverse().join('')}Z`;
    high = '';
    low = [];
  };
  for (const row of rows) {
    const band = row[key];
    const at = x(row.t);
    const top = band && y(band[1]);
    const bottom = band && y(band[0]);
    if (at === undefined || top == null || bottom == null) {
      close();
      continue;
    }
    const px = at.toFixed(1);
    high += `${high === '' ? 'M' : 'L'}${px} ${top.toFixed(1)}`;
    low.push(`L${px} ${bottom.toFixed(1)}`);
  }
  close();
  return path;
}
