// GET /api/outages for one leg and window, newest first. Live windows are kept current by `outage` events
// (lib/live/live-cache.ts): an outage's start, each failed attempt and its end replace the same entry.
import { type Outage, outagesResponseSchema } from '@hopwatch/shared/protocol';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiGet } from '../../../lib/api-client';
import { type QueryRange, rangeBounds } from '../../../lib/view-window';

/** More outages than a window on screen can show as separate bands. */
export const OUTAGES_LIMIT = 1_000;

export const outageKeys = {
  all: ['outages'] as const,
  leg: (target: string, leg: string) => [...outageKeys.all, target, leg] as const,
  list: (target: string, leg: string, range: QueryRange) => [...outageKeys.leg(target, leg), range] as const,
};

export async function getOutages(
  target: string,
  leg: string,
  range: QueryRange,
  signal?: AbortSignal,
): Promise<Outage[]> {
  const { from, to } = rangeBounds(range, Date.now());
  const { outages } = await apiGet(
    '/api/outages',
    { target, leg, from, to, limit: OUTAGES_LIMIT },
    outagesResponseSchema,
    signal,
  );
  return outages;
}

export function outagesQueryOptions(target: string, leg: string, range: QueryRange) {
  return queryOptions({
    queryKey: outageKeys.list(target, leg, range),
    queryFn: ({ signal }) => getOutages(target, leg, range, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useOutages(target: string, leg: string, range: QueryRange) {
  return useQuery(outagesQueryOptions(target, leg, range));
}

/**
 * A live list with one outage added or replaced (same leg and `since`), newest first, without the outages
 * that ended before the window's start.
 */
export function withOutage(outages: readonly Outage[], outage: Outage, windowStart: number): Outage[] {
  const rest = outages.filter(
    (o) => o.since !== outage.since && (o.until === null || o.until >= windowStart),
  );
  const at = rest.findIndex((o) => o.since < outage.since);
  return at === -1 ? [...rest, outage] : [...rest.slice(0, at), outage, ...rest.slice(at)];
}
