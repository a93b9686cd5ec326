// Rate limits on writes (docs/spec.md#5-security): every request that is not GET/HEAD/OPTIONS takes a token from its
// client's bucket; an empty bucket is a 429 with Retry-After. Covers incidents, lab faults and login (so a
// token cannot be guessed quickly). In memory and per process, which is what one hopwatch needs.
import type { FastifyInstance } from 'fastify';
import { ApiFailure, sendApiError } from './errors.js';

export interface RateLimitPolicy {
  /** requests a client may make in a burst */
  capacity: number;
  /** tokens added back per second */
  refillPerSecond: number;
}

export const DEFAULT_WRITE_LIMIT: RateLimitPolicy = { capacity: 30, refillPerSecond: 1 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterS: number };

/** Token buckets keyed by client, bounded so a spray of source addresses cannot grow memory without end. */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #policy: RateLimitPolicy;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(policy: RateLimitPolicy, options: { maxKeys?: number; now?: () => number } = {}) {
    this.#policy = policy;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#buckets.size;
  }

  take(key: string): TakeResult {
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? this.#newBucket(key, now);
    bucket.tokens = this.#refilled(bucket, now);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return {
      ok: false,
      retryAfterS: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#policy.refillPerSecond)),
    };
  }

  #refilled(bucket: Bucket, now: number): number {
    const elapsedS = Math.max(0, now - bucket.updatedAt) / 1_000;
    return Math.min(this.#policy.capacity, bucket.tokens + elapsedS * this.#policy.refillPerSecond);
  }

  #newBucket(key: string, now: number): Bucket {
    if (this.#buckets.size >= this.#maxKeys) this.#evict(now);
    const bucket = { tokens: this.#policy.capacity, updatedAt: now };
    this.#buckets.set(key, bucket);
    return bucket;
  }

  /** Forgets clients whose bucket has refilled (they lose nothing); failing that, the earliest ones. */
  #evict(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (this.#refilled(bucket, now) >= this.#policy.capacity) this.#buckets.delete(key);
    }
    // Everyone is busy (a spray of addresses): drop the earliest tenth at once, not one per new client.
    const keep = Math.floor(this.#maxKeys * 0.9);
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size < keep) break;
      this.#buckets.delete(key);
    }
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Adds the limit to the root instance so it covers writes registered in any plugin. */
export function installWriteRateLimit(app: FastifyInstance, policy: RateLimitPolicy): void {
  const buckets = new TokenBuckets(policy);
  app.addHook('onRequest', async (request, reply) => {
    if (READ_METHODS.has(request.method)) return;
    const result = buckets.take(request.ip);
    if (result.ok) return;
    return sendApiError(
      reply,
      new ApiFailure('rate_limited', `too many writes; retry in ${result.retryAfterS} s`, {
        'retry-after': String(result.retryAfterS),
      }),
    );
  });
}
