// Whose stall is it? Each hopwatch instance (vantage) sharing a store records its own event-loop stalls, and a
// stall held up only that instance's heartbeats and drops: another vantage's legs are timed by another event
// loop. A stall and a leg belong together when they carry the same vantage; hopwatch alone gives neither one,
// so there every stall is every leg's, as it always was.
import type { LegFacts, ProberStall, TargetFacts } from './types.js';

/** Whether `stall` held up `leg`'s prober: both at the same vantage (or both at none: hopwatch alone). */
export function stalledProberOf(stall: ProberStall, leg: Pick<LegFacts, 'vantage'>): boolean {
  return stall.vantage === leg.vantage;
}

/**
 * Whether hopwatch at a vantage stalling bears on a verdict: it does when that vantage's legs are among the
 * ones the verdict rests on (`witnesses`: dropped or clean, all findSuspects reads), whose drops or heartbeats
 * the stall may have made or spoiled. A stall at a vantage whose legs are all unknown (or that has none here)
 * touched nothing the verdict says. With no witness at all every stall bears on it, as with hopwatch alone.
 */
export function stallBearsOn(
  target: Pick<TargetFacts, 'legs'>,
  witnesses: readonly string[],
): (vantage: string | undefined) => boolean {
  const legs = target.legs.filter((leg) => witnesses.includes(leg.name));
  if (legs.length === 0) return () => true;
  const vantages = new Set(legs.map((leg) => leg.vantage));
  return (vantage) => vantages.has(vantage);
}

/** The vantage of the target's leg named `name` (undefined for hopwatch alone or a leg it does not know). */
export function vantageOfLeg(target: Pick<TargetFacts, 'legs'>, name: string): string | undefined {
  return target.legs.find((leg) => leg.name === name)?.vantage;
}
