// The time window a view shows, as the URL carries it: a live window that moves with the clock
// (`?range=1h`), or an absolute one (`?from=…&to=…`) that shows exactly that stretch from storage, days
// later too. Pure, so the URL round trip is tested.
import { parseInstant } from '@hopwatch/shared/time';

export const LIVE_RANGES = [
  { key: '15m', spanMs: 15 * 60_000 },
  { key: '1h', spanMs: 60 * 60_000 },
  { key: '6h', spanMs: 6 * 60 * 60_000 },
  { key: '24h', spanMs: 24 * 60 * 60_000 },
] as const;

export type LiveRangeKey = (typeof LIVE_RANGES)[number]['key'];

export type ViewWindow =
  | { kind: 'live'; range: LiveRangeKey; spanMs: number }
  | { kind: 'fixed'; from: number; to: number };

export const DEFAULT_WINDOW: ViewWindow = { kind: 'live', range: '1h', spanMs: 60 * 60_000 };

/** The window in a URL's search parameters; anything missing or malformed falls back to the last hour, live. */
export function parseViewWindow(params: URLSearchParams): ViewWindow {
  const fromText = params.get('from');
  const toText = params.get('to');
  if (fromText !== null && toText !== null) {
    const from = parseInstant(fromText);
    const to = parseInstant(toText);
    if (from.ok && to.ok && to.ms > from.ms) return { kind: 'fixed', from: from.ms, to: to.ms };
  }
  const range = LIVE_RANGES.find((r) => r.key === params.get('range'));
  return range ? { kind: 'live', range: range.key, spanMs: range.spanMs } : DEFAULT_WINDOW;
}

/** Writes the window into search parameters, replacing any window already there. */
export function writeViewWindow(params: URLSearchParams, window: ViewWindow): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('range');
  next.delete('from');
  next.delete('to');
  if (window.kind === 'live') next.set('range', window.range);
  else {
    next.set('from', new Date(window.from).toISOString());
    next.set('to', new Date(window.to).toISOString());
  }
  return next;
}

/** The concrete [from, to] a window covers at `now`. */
export function resolveWindow(window: ViewWindow, now: number): { from: number; to: number } {
  return window.kind === 'live'
    ? { from: now - window.spanMs, to: now }
    : { from: window.from, to: window.to };
}

/** A live window frozen at `now`: what "Share" and "Save incident" record. */
export function freezeWindow(window: ViewWindow, now: number): { kind: 'fixed'; from: number; to: number } {
  return { kind: 'fixed', ...resolveWindow(window, now) };
}

/** The link "Share" copies: absolute from/to, the target and the selected drop; never a token. */
export function shareUrl(
  origin: string,
  share: { target: string; from: number; to: number; drop: string | null },
): string {
  const params = writeViewWindow(new URLSearchParams({ target: share.target }), {
    kind: 'fixed',
    from: share.from,
    to: share.to,
  });
  if (share.drop !== null) params.set('drop', share.drop);
  return `${origin}/?${params.toString()}`;
}

/** How often a live view must move so its axis advances about one pixel at a time, at least each second. */
export function liveTickMs(spanMs: number, widthPx: number): number {
  return Math.max(1_000, Math.round(spanMs / Math.max(1, widthPx)));
}

/**
 * How a query names its window: a live window by its span alone (so the key does not change as the clock
 * moves, and live events keep its data current), a fixed one by its bounds.
 */
export type QueryRange = { live: number } | { from: number; to: number };

export function queryRangeOf(window: ViewWindow): QueryRange {
  return window.kind === 'live' ? { live: window.spanMs } : { from: window.from, to: window.to };
}

export function isLiveRange(range: QueryRange): range is { live: number } {
  return 'live' in range;
}

export function rangeBounds(range: QueryRange, now: number): { from: number; to: number } {
  return isLiveRange(range) ? { from: now - range.live, to: now } : { from: range.from, to: range.to };
}
