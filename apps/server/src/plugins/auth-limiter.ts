// Failed authentication per client (docs/spec.md#5-security): 10 failures a minute, then 429 with Retry-After on every
// route that checks a token, the login included, until the bucket refills. A client locked out is refused
// even with the right token, so a guess made meanwhile says nothing about whether it was right.
import { type RateLimitPolicy, type TakeResult, TokenBuckets } from './write-rate-limit.js';

export const AUTH_FAILURE_LIMIT: RateLimitPolicy = { capacity: 10, refillPerSecond: 10 / 60 };

export class AuthFailureLimiter {
  readonly #buckets: TokenBuckets;

  constructor(policy: RateLimitPolicy = AUTH_FAILURE_LIMIT, options: { now?: () => number } = {}) {
    this.#buckets = new TokenBuckets(policy, options);
  }

  /** Whether `client` may try to authenticate now. */
  check(client: string): TakeResult {
    return this.#buckets.peek(client);
  }

  /** Counts one failed attempt. */
  failed(client: string): void {
    this.#buckets.take(client);
  }
}
