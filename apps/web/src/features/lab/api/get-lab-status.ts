// GET /api/lab: the built-in lab's hops, active faults and schedule. The route exists only in lab mode, so
// a 404 (or 503) means "no lab" and the panel stays hidden.
import { type LabStatus, labStatusSchema } from '@hopwatch/shared/protocol';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiClientError, apiGet } from '../../../lib/api-client';

export const labKeys = {
  all: ['lab'] as const,
  status: () => [...labKeys.all, 'status'] as const,
};

/** The lab's status, or null when this hopwatch runs without the lab. */
export async function getLabStatus(signal?: AbortSignal): Promise<LabStatus | null> {
  try {
    return await apiGet('/api/lab', {}, labStatusSchema, signal);
  } catch (error) {
    if (error instanceof ApiClientError && (error.status === 404 || error.status === 503)) return null;
    throw error;
  }
}

export function labStatusQueryOptions() {
  return queryOptions({
    queryKey: labKeys.status(),
    queryFn: ({ signal }) => getLabStatus(signal),
    retry: false,
  });
}

export function useLabStatus() {
  return useQuery(labStatusQueryOptions());
}
