// Legs grouped by the vantage they probe from. With several hopwatch instances sharing a store every leg covers
// `vantage:<name>` (its instance's own network), so the vantage is read off its coverage; a leg without one
// (a single instance) belongs to no vantage. Groups keep the order the legs came in. Pure.
export const VANTAGE_PREFIX = 'vantage:';

export interface VantageGroup<Leg> {
  /** null: legs of no vantage (one hopwatch on its own) */
  vantage: string | null;
  /** each leg with its index in the list given, so per-leg queries stay aligned */
  legs: { leg: Leg; index: number }[];
}

export function vantageOf(leg: { covers: readonly string[] }): string | null {
  const segment = leg.covers.find((s) => s.startsWith(VANTAGE_PREFIX));
  return segment === undefined ? null : segment.slice(VANTAGE_PREFIX.length);
}

export function isVantageSegment(segment: string): boolean {
  return segment.startsWith(VANTAGE_PREFIX);
}

export function groupByVantage<Leg extends { covers: readonly string[] }>(
  legs: readonly Leg[],
): VantageGroup<Leg>[] {
  const groups: VantageGroup<Leg>[] = [];
  legs.forEach((leg, index) => {
    const vantage = vantageOf(leg);
    let group = groups.find((g) => g.vantage === vantage);
    if (!group) {
      group = { vantage, legs: [] };
      groups.push(group);
    }
    group.legs.push({ leg, index });
  });
  return groups;
}
