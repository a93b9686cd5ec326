// Capped exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
// every client that lost the same hop at the same moment must not come back at the same moment.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** Delay before attempt number `attempt` (0-based): uniform in [0, min(max, initial * 2^attempt)]. */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
