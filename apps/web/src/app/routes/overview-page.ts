// What `/` shows for the targets there are and the URL's `target`. The route renders it and the router's
// prefetch asks for its data: one decision, so the prefetch never fetches a page the user is not shown (the
// targets overview used to pay for the first target's leg RTT and sessions it never draws).
import type { QueryRange } from '../../lib/view-window';

export type OverviewPage<T> = { kind: 'none' } | { kind: 'targets' } | { kind: 'target'; target: T };

/** The window of the targets overview's "latest verdict" line. */
export const TARGETS_OVERVIEW_RANGE: QueryRange = { live: 86_400_000 };

/** The target named in the URL; else, with more than one target, the targets overview; else the only one. */
export function overviewPage<T extends { name: string }>(
  targets: readonly T[],
  chosen: string | null,
): OverviewPage<T> {
  const target = targets.find((t) => t.name === chosen);
  if (target) return { kind: 'target', target };
  if (targets.length > 1) return { kind: 'targets' };
  return targets[0] ? { kind: 'target', target: targets[0] } : { kind: 'none' };
}
