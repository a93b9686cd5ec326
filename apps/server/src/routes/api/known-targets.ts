// Resolving target and leg names from a request against the running config: a name that does not exist
// is a 404 that lists what does, so a typo in a script is a one-glance fix.
import type { LegConfig, TargetConfig } from '../../config/types.js';
import { ApiFailure } from '../../plugins/errors.js';

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
