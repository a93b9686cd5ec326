// GET /api/attribute: the verdict for a drop a user reported at a given time.
import { attributeResponseSchema, type Verdict } from '@hopwatch/shared/protocol';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiGet } from '../../../lib/api-client';

export const attributeKeys = {
  all: ['attribute'] as const,
  report: (target: string, at: number) => [...attributeKeys.all, target, at] as const,
};

export async function getAttribute(target: string, at: number, signal?: AbortSignal): Promise<Verdict> {
  return (await apiGet('/api/attribute', { target, at }, attributeResponseSchema, signal)).verdict;
}

export function attributeQueryOptions(target: string, at: number) {
  return queryOptions({
    queryKey: attributeKeys.report(target, at),
    queryFn: ({ signal }) => getAttribute(target, at, signal),
    staleTime: 10_000,
    retry: false,
  });
}

/** Asks only once the user has said when (`at` not null). */
export function useAttribute(target: string, at: number | null) {
  return useQuery({ ...attributeQueryOptions(target, at ?? 0), enabled: at !== null });
}
