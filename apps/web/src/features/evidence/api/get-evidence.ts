// GET /api/evidence: a target's Prometheus series over the window on screen. The server caches and shares
// answers; a live window asks again every EVIDENCE_REFRESH_MS (evidence is not on the live stream).
import { type EvidenceResponse, evidenceResponseSchema } from '@hopwatch/shared/protocol';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiGet } from '../../../lib/api-client';
import { isLiveRange, type QueryRange, rangeBounds } from '../../../lib/view-window';

/** About a Prometheus scrape interval: fresher than that shows nothing new. */
export const EVIDENCE_REFRESH_MS = 15_000;

export const evidenceKeys = {
  all: ['evidence'] as const,
  target: (target: string) => [...evidenceKeys.all, target] as const,
  series: (target: string, range: QueryRange) => [...evidenceKeys.target(target), range] as const,
};

export async function getEvidence(
  target: string,
  range: QueryRange,
  signal?: AbortSignal,
): Promise<EvidenceResponse> {
  const { from, to } = rangeBounds(range, Date.now());
  return apiGet('/api/evidence', { target, from, to }, evidenceResponseSchema, signal);
}

export function evidenceQueryOptions(target: string, range: QueryRange) {
  const live = isLiveRange(range);
  return queryOptions({
    queryKey: evidenceKeys.series(target, range),
    queryFn: ({ signal }) => getEvidence(target, range, signal),
    staleTime: live ? EVIDENCE_REFRESH_MS : Number.POSITIVE_INFINITY,
    refetchInterval: live ? EVIDENCE_REFRESH_MS : false,
  });
}

export function useEvidence(target: string, range: QueryRange) {
  return useQuery(evidenceQueryOptions(target, range));
}
