import { describe, expect, it } from 'vitest';
import { type BandKey, bandPath } from './rtt-band-path';
import type { RttChartRow } from './rtt-shape';

/** A row with both bands, or a row that breaks them (null). */
function row(t: number, band: [number, number] | null): RttChartRow {
  return {
    t,
    p50: band ? band[0] : null,
    p99Band: band,
    rangeBand: band && [band[0], band[1] * 2],
    bucket: null,
  };
}

// x: 1 px per ms of time; y: 100 px tall, 0 ms at the bottom, 1 px per ms.
const x = (t: number) => t;
const y = (ms: number) => 100 - ms;

describe('bandPath', () => {
  it.each<{ name: string; rows: RttChartRow[]; key: BandKey; path: string }>([
    { name: 'no rows: nothing drawn', rows: [], key: 'p99Band', path: '' },
    {
      name: 'one run: along the high edge, back along the low edge, closed',
      rows: [row(0, [1, 5]), row(10, [2, 6]), row(20, [1, 4])],
      key: 'p99Band',
      path: 'M0.0 95.0L10.0 94.0L20.0 96.0L20.0 99.0L10.0 98.0L0.0 99.0Z',
    },
    {
      name: 'the range band reads its own field',
      rows: [row(0, [1, 5]), row(10, [2, 6])],
      key: 'rangeBand',
      path: 'M0.0 90.0L10.0 88.0L10.0 98.0L0.0 99.0Z',
    },
    {
      name: 'a row without the band breaks it into two polygons',
      rows: [row(0, [1, 5]), row(10, [1, 5]), row(15, null), row(20, [2, 3]), row(30, [2, 3])],
      key: 'p99Band',
      path: 'M0.0 95.0L10.0 95.0L10.0 99.0L0.0 99.0ZM20.0 97.0L30.0 97.0L30.0 98.0L20.0 98.0Z',
    },
    {
      name: 'rows that only break the band draw nothing',
      rows: [row(0, null), row(10, null)],
      key: 'p99Band',
      path: '',
    },
  ])('$name', ({ rows, key, path }) => {
    expect(bandPath(rows, key, x, y)).toBe(path);
  });

  it('breaks the band where the scale cannot place a row', () => {
    const partial = (t: number) => (t === 10 ? undefined : t);
    const rows = [row(0, [1, 5]), row(10, [1, 5]), row(20, [1, 5]), row(30, [1, 5])];
    expect(bandPath(rows, 'p99Band', partial, y)).toBe(
      'M0.0 95.0L0.0 99.0ZM20.0 95.0L30.0 95.0L30.0 99.0L20.0 99.0Z',
    );
  });
});
