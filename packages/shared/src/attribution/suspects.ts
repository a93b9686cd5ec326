// suspects = (segments covered by every dropped leg) - (segments covered by any clean leg)   (docs/spec.md#1-concepts)
//
// A drop a user reported is one more dropped "leg": the user's own connection, which crosses every segment of
// the target (but no leg's private entry). With every leg clean that leaves exactly the segments no leg
// crosses, normally `last-mile`: the runbook's "all legs clean while the user dropped → their last mile".
import type { TargetFacts } from './types.js';

export interface SuspectsInput {
  target: TargetFacts;
  dropped: readonly string[];
  clean: readonly string[];
  /** true for a drop a user reported: their connection crossed every segment */
  reported: boolean;
}

/** The suspects in path order, private `<leg>:entry` segments last in leg order. */
export function findSuspects(input: SuspectsInput): string[] {
  const { target } = input;
  const coverage = new Map(target.legs.map((leg) => [leg.name, leg.covers] as const));
  const coversOf = (leg: string): readonly string[] => coverage.get(leg) ?? [];

  const crossings: (readonly string[])[] = input.dropped.map(coversOf);
  if (input.reported) crossings.push(target.segments);
  // No dropped leg and no report: nothing was seen to drop, so nothing is suspect.
  const [first, ...rest] = crossings;
  if (first === undefined) return [];

  const exonerated = new Set(input.clean.flatMap(coversOf));
  const common = first.filter((segment) => rest.every((covers) => covers.includes(segment)));
  const suspects = new Set(common.filter((segment) => !exonerated.has(segment)));

  const pathOrder = target.segments.filter((segment) => suspects.has(segment));
  const entries = target.legs
    .flatMap((leg) => leg.covers)
    .filter((segment) => suspects.has(segment) && !target.segments.includes(segment));
  return [...pathOrder, ...new Set(entries)];
}
