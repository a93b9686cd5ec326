// GET /api/incidents: saved incidents, newest first.
import { type Incident, incidentsResponseSchema } from '@hopwatch/shared/protocol';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiGet } from '../../../lib/api-client';

export const incidentKeys = {
  all: ['incidents'] as const,
  list: () => [...incidentKeys.all, 'list'] as const,
  detail: (id: string) => [...incidentKeys.all, 'detail', id] as const,
};

export async function getIncidents(signal?: AbortSignal): Promise<Incident[]> {
  return (await apiGet('/api/incidents', {}, incidentsResponseSchema, signal)).incidents;
}

export function incidentsQueryOptions() {
  return queryOptions({ queryKey: incidentKeys.list(), queryFn: ({ signal }) => getIncidents(signal) });
}

export function useIncidents() {
  return useQuery(incidentsQueryOptions());
}
