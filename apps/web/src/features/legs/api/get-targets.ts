// GET /api/targets: the targets, their segments and legs with each leg's current state. Leg states are kept
// current by leg_state events (lib/live/live-cache.ts), so the query never needs to poll.
import type { LegStateEvent, TargetView } from '@hopwatch/shared/protocol';
import { targetsResponseSchema } from '@hopwatch/shared/protocol';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiGet } from '../../../lib/api-client';

export const targetKeys = {
  all: ['targets'] as const,
};

export async function getTargets(signal?: AbortSignal): Promise<TargetView[]> {
  return (await apiGet('/api/targets', {}, targetsResponseSchema, signal)).targets;
}

export function targetsQueryOptions() {
  return queryOptions({
    queryKey: targetKeys.all,
    queryFn: ({ signal }) => getTargets(signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useTargets() {
  return useQuery(targetsQueryOptions());
}

/** The targets with one leg's state replaced; the same array when the event changes nothing. */
export function withLegState(targets: TargetView[], event: LegStateEvent): TargetView[] {
  let changed = false;
  const next = targets.map((target) => {
    if (target.name !== event.target) return target;
    return {
      ...target,
      legs: target.legs.map((leg) => {
        if (leg.name !== event.leg || (leg.state === event.state && leg.since === event.since)) return leg;
        changed = true;
        return { ...leg, state: event.state, since: event.since };
      }),
    };
  });
  return changed ? next : targets;
}
