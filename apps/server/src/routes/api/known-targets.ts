// Resolving target and leg names from a request against the running config: a name that does not exist
// is a 404 that lists what does, so a typo in a script is a one-glance fix.
import type { LegConfig, TargetConfig } from '../../config/types.js';
import { ApiFailure } from '../../plugins/errors.js';
import { assertRange, badQuery } from './query.js';

export function findTarget(targets: readonly TargetConfig[], name: string): TargetConfig {
  const target = targets.find((t) => t.name === name);
  if (target) return target;
  throw new ApiFailure(
    'unknown_target',
    `target ${JSON.stringify(name)} is not configured; known targets: ${listNames(targets)}`,
  );
}

export function findLeg(target: TargetConfig, name: string): LegConfig {
  const leg = target.legs.find((l) => l.name === name);
  if (leg) return leg;
  throw new ApiFailure(
    'unknown_leg',
    `target ${target.name} has no leg ${JSON.stringify(name)}; its legs: ${listNames(target.legs)}`,
  );
}

function listNames(items: readonly { name: string }[]): string {
  if (items.length === 0) return '(none)';
  const names = items.slice(0, 20).map((i) => i.name);
  return items.length > 20 ? `${names.join(', ')}, …` : names.join(', ');
}

/** A `target&leg&from&to` query resolved against the config: names checked, range checked. */
export interface LegRangeFilter {
  target?: string;
  leg?: string;
  from?: number;
  to?: number;
}

export function legRangeFilter(
  targets: readonly TargetConfig[],
  query: {
    target?: string | undefined;
    leg?: string | undefined;
    from?: number | undefined;
    to?: number | undefined;
  },
): LegRangeFilter {
  const filter: LegRangeFilter = {};
  if (query.leg !== undefined && query.target === undefined) {
    throw badQuery('leg: needs target (leg names are only unique within a target)');
  }
  if (query.target !== undefined) {
    const target = findTarget(targets, query.target);
    filter.target = target.name;
    if (query.leg !== undefined) filter.leg = findLeg(target, query.leg).name;
  }
  if (query.from !== undefined) filter.from = query.from;
  if (query.to !== undefined) filter.to = query.to;
  if (query.from !== undefined && query.to !== undefined) assertRange(query.from, query.to);
  return filter;
}
