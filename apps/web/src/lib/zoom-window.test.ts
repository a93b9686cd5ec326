import { describe, expect, it } from 'vitest';
import {
  fitLiveWindow,
  MIN_FIT_SPAN_MS,
  MIN_ZOOM_SPAN_MS,
  rangeForKey,
  withoutZoom,
  withZoom,
  zoomFromDrag,
} from './zoom-window';

const axis = { from: 0, to: 1_000_000, width: 1_000 };

describe('zoomFromDrag', () => {
  it.each([
    { name: 'left to right', x0: 100, x1: 300, zoom: { from: 100_000, to: 300_000 } },
    { name: 'right to left', x0: 300, x1: 100, zoom: { from: 100_000, to: 300_000 } },
    { name: 'past the edges is clamped', x0: -50, x1: 1_200, zoom: { from: 0, to: 1_000_000 } },
    { name: 'a click is not a zoom', x0: 100, x1: 103, zoom: null },
    {
      name: 'too narrow widens about its middle',
      x0: 500,
      x1: 506,
      zoom: { from: 503_000 - MIN_ZOOM_SPAN_MS / 2, to: 503_000 + MIN_ZOOM_SPAN_MS / 2 },
    },
  ])('$name', ({ x0, x1, zoom }) => {
    expect(zoomFromDrag(axis, x0, x1)).toEqual(zoom);
  });
  it('needs a width', () => {
    expect(zoomFromDrag({ ...axis, width: 0 }, 0, 100)).toBeNull();
  });
});

describe('fitLiveWindow', () => {
  const hour = { from: 0, to: 3_600_000 };
  it.each([
    { name: 'history longer than the window: unchanged', first: -5, fit: hour },
    { name: 'nothing known: unchanged', first: null, fit: hour },
    {
      name: 'ten minutes of data: the last ten minutes and a margin',
      first: 3_000_000,
      fit: { from: 3_000_000 - 30_000, to: 3_600_000 },
    },
    {
      name: 'seconds of data: never narrower than the minimum',
      first: 3_590_000,
      fit: { from: 3_600_000 - MIN_FIT_SPAN_MS, to: 3_600_000 },
    },
  ])('$name', ({ first, fit }) => {
    expect(fitLiveWindow(hour, first)).toEqual(fit);
  });
});

describe('zoom in the URL', () => {
  it('keeps the live range under a zoom, and resetting returns to it', () => {
    const zoomed = withZoom(new URLSearchParams('target=lab&range=15m'), { from: 0, to: 60_000 });
    expect(zoomed.get('from')).toBe('1970-01-01T00:00:00.000Z');
    expect(zoomed.get('to')).toBe('1970-01-01T00:01:00.000Z');
    expect(withoutZoom(zoomed).toString()).toBe('target=lab&range=15m');
  });
});

describe('rangeForKey', () => {
  it.each([
    ['1', '15m'],
    ['2', '1h'],
    ['3', '6h'],
    ['4', '24h'],
    ['5', null],
    ['0', null],
    ['a', null],
  ])('%s → %s', (key, range) => {
    expect(rangeForKey(key)).toBe(range);
  });
});
