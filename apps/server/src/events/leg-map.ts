// A value per leg, found by target and leg name as an event carries them. Two lookups by the event's own
// strings, whose hashes V8 keeps, instead of one by a key joined from them: a joined key is a new string to
// hash, paid on every heartbeat at 10,000 legs. The store's leg ids, the per-leg histogram and the prober
// thread's status mirror all keep one.
export class LegMap<T> {
  /** target → leg → value */
  readonly #byTarget = new Map<string, Map<string, T>>();

  get(target: string, leg: string): T | undefined {
    return this.#byTarget.get(target)?.get(leg);
  }

  set(target: string, leg: string, value: T): void {
    let legs = this.#byTarget.get(target);
    if (!legs) {
      legs = new Map();
      this.#byTarget.set(target, legs);
    }
    legs.set(leg, value);
  }

  /** Forgets one leg (and its target once it holds none); whether there was one. */
  delete(target: string, leg: string): boolean {
    const legs = this.#byTarget.get(target);
    if (!legs?.delete(leg)) return false;
    if (legs.size === 0) this.#byTarget.delete(target);
    return true;
  }

  /** every value, target by target */
  *values(): IterableIterator<T> {
    for (const legs of this.#byTarget.values()) yield* legs.values();
  }

  clear(): void {
    this.#byTarget.clear();
  }
}
