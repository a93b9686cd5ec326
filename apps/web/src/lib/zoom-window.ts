// Steering time by hand: a drag across the time axis zooms to the stretch dragged over (the URL takes
// from/to, so Back undoes it and the link can be shared), a live window on a fresh install is narrowed to the
// data there is, and keys pick the live ranges. Pure, so the window arithmetic is tested with tables.
import { LIVE_RANGES, type LiveRangeKey } from './view-window';

/** The narrowest window a drag can zoom to: a few heartbeats, still a readable chart. */
export const MIN_ZOOM_SPAN_MS = 10_000;
/** A drag shorter than this is a click, not a zoom. */
export const MIN_DRAG_PX = 5;
/** A live window narrowed to its data never gets narrower than this. */
export const MIN_FIT_SPAN_MS = 60_000;

/**
 * The window a drag from pixel `x0` to `x1` over a time axis [from, to] `width` px wide selects, or null for a
 * drag too short to mean a zoom. Pixels are clamped to the axis; a selection narrower than MIN_ZOOM_SPAN_MS
 * widens about its middle.
 */
export function zoomFromDrag(
  axis: { from: number; to: number; width: number },
  x0: number,
  x1: number,
): { from: number; to: number } | null {
  if (!(axis.width > 0) || Math.abs(x1 - x0) < MIN_DRAG_PX) return null;
  const clampX = (x: number) => Math.min(axis.width, Math.max(0, x));
  const at = (x: number) => axis.from + (clampX(x) / axis.width) * (axis.to - axis.from);
  let from = Math.round(at(Math.min(x0, x1)));
  let to = Math.round(at(Math.max(x0, x1)));
  if (to - from < MIN_ZOOM_SPAN_MS) {
    const middle = (from + to) / 2;
    from = Math.round(middle - MIN_ZOOM_SPAN_MS / 2);
    to = from + MIN_ZOOM_SPAN_MS;
  }
  return { from, to };
}

/**
 * A live window [now - span, now] narrowed to the data it holds when history is shorter than the window
 * (a fresh install's first minutes would otherwise be squeezed into the right edge). `firstDataAt` is when
 * the oldest data in the window starts, null when nothing is known to start inside it.
 */
export function fitLiveWindow(
  window: { from: number; to: number },
  firstDataAt: number | null,
): { from: number; to: number } {
  if (firstDataAt === null || firstDataAt <= window.from) return window;
  const data = window.to - firstDataAt;
  // A margin before the first data, so its first moments are not on the frame.
  const fitted = firstDataAt - Math.max(data * 0.05, 5_000);
  const from = Math.max(window.from, Math.min(fitted, window.to - MIN_FIT_SPAN_MS));
  return { from, to: window.to };
}

/** Search parameters zoomed to [from, to]; the live range stays, so resetting returns to it. */
export function withZoom(params: URLSearchParams, zoom: { from: number; to: number }): URLSearchParams {
  const next = new URLSearchParams(params);
  next.set('from', new Date(zoom.from).toISOString());
  next.set('to', new Date(zoom.to).toISOString());
  return next;
}

/** Search parameters with the zoom taken away: back to the live range the view had (or the default). */
export function withoutZoom(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('from');
  next.delete('to');
  return next;
}

/** The live range a key picks: `1` 15m, `2` 1h, `3` 6h, `4` 24h. */
export function rangeForKey(key: string): LiveRangeKey | null {
  const index = Number(key) - 1;
  if (!Number.isInteger(index)) return null;
  return LIVE_RANGES[index]?.key ?? null;
}
