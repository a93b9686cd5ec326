// GET /api/drops: a target's drop clusters with their verdicts, newest first. Live windows get verdict
// events prepended (a re-judged cluster replaces its earlier verdict) and are trimmed as the window moves.
import { dropsResponseSchema, type Verdict } from '@hopwatch/shared/protocol';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiGet } from '../../../lib/api-client';
import { type QueryRange, rangeBounds } from '../../../lib/view-window';

export const dropKeys = {
  all: ['drops'] as const,
  target: (target: string) => [...dropKeys.all, target] as const,
  list: (target: string, range: QueryRange) => [...dropKeys.target(target), range] as const,
};

export async function getDrops(target: string, range: QueryRange, signal?: AbortSignal): Promise<Verdict[]> {
  const { from, to } = rangeBounds(range, Date.now());
  return (await apiGet('/api/drops', { target, from, to }, dropsResponseSchema, signal)).drops;
}

export function dropsQueryOptions(target: string, range: QueryRange) {
  return queryOptions({
    queryKey: dropKeys.list(target, range),
    queryFn: ({ signal }) => getDrops(target, range, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Waits for a target (the wall learns it from the targets query). */
export function useDrops(target: string, range: QueryRange) {
  return useQuery({ ...dropsQueryOptions(target, range), enabled: target !== '' });
}

/** Verdicts newest first with one added or replaced (by id), minus those before the window's start. */
export function withVerdict(verdicts: Verdict[], verdict: Verdict, windowStart: number): Verdict[] {
  const rest = verdicts.filter((v) => v.id !== verdict.id && v.at >= windowStart);
  const at = rest.findIndex((v) => v.at <= verdict.at);
  return at === -1 ? [...rest, verdict] : [...rest.slice(0, at), verdict, ...rest.slice(at)];
}
