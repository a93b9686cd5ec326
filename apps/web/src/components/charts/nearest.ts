/**
 * Index of the value in an ascending array closest to `x`, if within `maxDistance`; else -1. Drop marks a
 * pixel apart overlap, so the strip picks the nearest mark to the pointer instead of whatever lies on top.
 */
export function nearestIndex(ascending: readonly number[], x: number, maxDistance: number): number {
  let lo = 0;
  let hi = ascending.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ascending[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  let best = -1;
  let bestDistance = maxDistance;
  for (const i of [lo - 1, lo]) {
    const value = ascending[i];
    if (value === undefined) continue;
    const distance = Math.abs(value - x);
    if (distance <= bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}
