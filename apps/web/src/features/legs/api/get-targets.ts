// GET /api/targets: the targets, their segments and legs with each leg's current state. Leg states are kept
// current by leg_state events (lib/live/live-cache.ts), so the query never needs to poll.
import type { LegStateEvent, OutageEvent, TargetView } from '@hopwatch/shared/protocol';
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
  return withLeg(targets, event.target, event.leg, (leg) => {
    if (leg.state === event.state && leg.since === event.since) return leg;
    // Only a down leg has an outage; its details arrive with the outage event.
    return {
      ...leg,
      state: event.state,
      since: event.since,
      outage: event.state === 'down' ? leg.outage : null,
    };
  });
}

/** The targets with one leg's open outage replaced (null once it ended); the same array if nothing changed. */
export function withLegOutage(targets: TargetView[], event: OutageEvent): TargetView[] {
  const { outage } = event;
  return withLeg(targets, event.target, event.leg, (leg) => {
    if (outage.until !== null) return leg.outage?.since === outage.since ? { ...leg, outage: null } : leg;
    const { since, attempts, firstCause, lastCause, lastError, lastHttpStatus } = outage;
    return { ...leg, outage: { since, attempts, firstCause, lastCause, lastError, lastHttpStatus } };
  });
}

type LegView = TargetView['legs'][number];

function withLeg(
  targets: TargetView[],
  targetName: string,
  legName: string,
  update: (leg: LegView) => LegView,
): TargetView[] {
  let changed = false;
  const next = targets.map((target) => {
    if (target.name !== targetName) return target;
    return {
      ...target,
      legs: target.legs.map((leg) => {
        if (leg.name !== legName) return leg;
        const updated = update(leg);
        if (updated !== leg) changed = true;
        return updated;
      }),
    };
  });
  return changed ? next : targets;
}
