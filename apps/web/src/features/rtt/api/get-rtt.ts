// GET /api/rtt: one leg's RTT, downsampled by the server to at most RTT_MAX_POINTS points. Live windows are
// extended by rtt events, bucketed at the series' own step, and trimmed as the window moves on.
import {
  RTT_MAX_POINTS,
  type RttEvent,
  type RttResponse,
  rttResponseSchema,
} from '@hopwatch/shared/protocol';
import { bucketStart, mergePoints, summarize } from '@hopwatch/shared/series';
import { queryOptions } from '@tanstack/react-query';
import { apiGet } from '../../../lib/api-client';
import { type QueryRange, rangeBounds } from '../../../lib/view-window';

export const rttKeys = {
  all: ['rtt'] as const,
  leg: (target: string, leg: string) => [...rttKeys.all, target, leg] as const,
  series: (target: string, leg: string, range: QueryRange) => [...rttKeys.leg(target, leg), range] as const,
};

export async function getRtt(
  target: string,
  leg: string,
  range: QueryRange,
  signal?: AbortSignal,
): Promise<RttResponse> {
  const { from, to } = rangeBounds(range, Date.now());
  return apiGet('/api/rtt', { target, leg, from, to }, rttResponseSchema, signal);
}

export function rttQueryOptions(target: string, leg: string, range: QueryRange) {
  return queryOptions({
    queryKey: rttKeys.series(target, leg, range),
    queryFn: ({ signal }) => getRtt(target, leg, range, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * A live series with one heartbeat added: merged into its bucket (the series' step) or appended as a new
 * one, and buckets that ended before the window's start dropped. Never more than RTT_MAX_POINTS points.
 */
export function withRttSample(series: RttResponse, event: RttEvent, windowStart: number): RttResponse {
  const { step } = series;
  const sample = summarize(bucketStart(event.ts, step), [
    { ts: event.ts, rttMs: event.rttMs, suspect: event.suspect },
  ]);
  const points = series.points.filter((p) => p.t + step > windowStart);
  const last = points[points.length - 1];
  if (last === undefined || sample.t > last.t) points.push(sample);
  else {
    // Late or replayed samples land in their own bucket, wherever it is.
    const index = points.findIndex((p) => p.t >= sample.t);
    const existing = points[index];
    if (existing !== undefined && existing.t === sample.t) {
      points[index] = mergePoints([existing, sample], step)[0] ?? existing;
    } else if (index === -1) points.push(sample);
    else points.splice(index, 0, sample);
  }
  return { step, points: points.length > RTT_MAX_POINTS ? points.slice(-RTT_MAX_POINTS) : points };
}
