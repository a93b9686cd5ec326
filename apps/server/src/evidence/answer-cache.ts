// A small time-limited cache with in-flight de-duplication: the first caller of a key starts the load, every
// caller until it settles shares that promise, and its answer serves the same key for `ttlMs` after. This is
// what lets 50 dashboards on the same window make one Prometheus query.
export interface AnswerCacheOptions {
  ttlMs: number;
  /** entries kept at most; the oldest go first */
  maxEntries: number;
  now?: () => number;
}

interface Entry<T> {
  answer: Promise<T>;
  /** when the answer stops being served; Infinity while the load is in flight */
  expiresAt: number;
}

export class AnswerCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: AnswerCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** The answer for `key`: cached, in flight, or loaded now. `load` must not reject (answers carry errors). */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.#now();
    const cached = this.#entries.get(key);
    if (cached !== undefined && cached.expiresAt > now) return cached.answer;
    this.#entries.delete(key);
    const entry: Entry<T> = { answer: load(), expiresAt: Number.POSITIVE_INFINITY };
    this.#entries.set(key, entry);
    void entry.answer.then(
      () => {
        entry.expiresAt = this.#now() + this.#ttlMs;
      },
      () => this.#entries.get(key) === entry && this.#entries.delete(key),
    );
    this.#evict(now);
    return entry.answer;
  }

  get size(): number {
    return this.#entries.size;
  }

  #evict(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(key);
    }
  }
}
