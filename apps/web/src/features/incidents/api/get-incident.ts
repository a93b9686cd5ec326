// GET /api/incidents/:id: one saved incident; its window is fixed, so it never goes stale.
import { type Incident, incidentSchema } from '@hopwatch/shared/protocol';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiGet } from '../../../lib/api-client';
import { incidentKeys } from './get-incidents';

export async function getIncident(id: string, signal?: AbortSignal): Promise<Incident> {
  return apiGet(`/api/incidents/${encodeURIComponent(id)}`, {}, incidentSchema, signal);
}

export function incidentQueryOptions(id: string) {
  return queryOptions({
    queryKey: incidentKeys.detail(id),
    queryFn: ({ signal }) => getIncident(id, signal),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

export function useIncident(id: string) {
  return useQuery(incidentQueryOptions(id));
}
