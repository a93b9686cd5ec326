// One timer for every heartbeat of a prober. Ten thousand legs beat ten thousand times a second, and a Node
// timer per beat (a Timeout made, listed, fired and dropped each time) cost more than the beat's own books.
// The clock keeps beats in buckets by the millisecond they are due and holds one timer, for the earliest
// bucket; when it fires, every beat due by then runs, in the order it was scheduled. A beat never runs early
// and runs as late as its own timer would have.
//
//   idle ──at()──▶ armed (one timer: the earliest due) ──fires──▶ firing (due beats run; they may call at())
//     ▲                │ cancel() of the last beat                  │
//     └────────────────┴──────────── nothing left ◀─────────────────┴──▶ armed (the next earliest due)

/** What the clock runs: `now` is the wall-clock ms the clock fired, `due` the ms the beat was scheduled for. */
export interface BeatClient {
  onBeat(now: number, due: number): void;
}

export class BeatClock {
  /** due ms → the beats due then, in scheduling order */
  readonly #buckets = new Map<number, BeatClient[]>();
  /** emptied buckets, reused: a bucket a millisecond is garbage a millisecond on a thread that is all memory traffic */
  readonly #spare: BeatClient[][] = [];
  /** every bucket's due ms, earliest first; may still hold the due of a bucket emptied by cancel() */
  readonly #dues = new MinHeap();
  #timer: NodeJS.Timeout | null = null;
  /** the due ms the timer is armed for; Infinity when idle or firing */
  #armedFor = Number.POSITIVE_INFINITY;
  #firing = false;

  /** how many beats are scheduled */
  get size(): number {
    let size = 0;
    for (const bucket of this.#buckets.values()) size += bucket.length;
    return size;
  }

  /**
   * Runs `client.onBeat` at `due` (wall-clock ms, whole). The caller schedules a client at most once per due
   * (a heartbeat holds one due at a time): a bucket is a plain list, not a set, so a second `at` would run twice.
   */
  at(due: number, client: BeatClient): void {
    let bucket = this.#buckets.get(due);
    if (!bucket) {
      bucket = this.#spare.pop() ?? [];
      this.#buckets.set(due, bucket);
      this.#dues.push(due);
    }
    bucket.push(client);
    if (!this.#firing && due < this.#armedFor) this.#arm(due);
  }

  /** Unschedules `client` from `due`; the timer goes when nothing is left. */
  cancel(due: number, client: BeatClient): void {
    const bucket = this.#buckets.get(due);
    const at = bucket ? bucket.indexOf(client) : -1;
    if (!bucket || at < 0) return;
    bucket.splice(at, 1);
    if (bucket.length === 0) {
      this.#buckets.delete(due);
      this.#recycle(bucket);
    }
    if (this.#buckets.size === 0 && this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
      this.#armedFor = Number.POSITIVE_INFINITY;
    }
  }

  #recycle(bucket: BeatClient[]): void {
    bucket.length = 0;
    if (this.#spare.length < MAX_SPARE_BUCKETS) this.#spare.push(bucket);
  }

  #arm(due: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#armedFor = due;
    this.#timer = setTimeout(this.#fire, Math.max(0, due - Date.now()));
  }

  readonly #fire = (): void => {
    this.#timer = null;
    this.#armedFor = Number.POSITIVE_INFINITY;
    this.#firing = true;
    const now = Date.now();
    try {
      while (this.#dues.size > 0 && this.#dues.peek() <= now) {
        const due = this.#dues.pop();
        const bucket = this.#buckets.get(due);
        if (!bucket) continue; // emptied by cancel()
        // Out of the map before it runs: a beat scheduled for this due again now goes to a new bucket, and a
        // cancel of this due now finds nothing (a client that may be cancelled checks its due, as Heartbeat does).
        this.#buckets.delete(due);
        for (let i = 0; i < bucket.length; i++) {
          try {
            bucket[i]!.onBeat(now, due);
          } catch (error) {
            // as from a timer of its own: thrown, but not before the other beats due now have run
            queueMicrotask(() => {
              throw error;
            });
          }
        }
        this.#recycle(bucket);
      }
    } finally {
      this.#firing = false;
      while (this.#dues.size > 0 && !this.#buckets.has(this.#dues.peek())) this.#dues.pop();
      if (this.#dues.size > 0) this.#arm(this.#dues.peek());
    }
  };
}

/** a bucket is back as soon as it has run, so a few are plenty; more are left to the collector */
const MAX_SPARE_BUCKETS = 64;

/** A binary min-heap of numbers. */
class MinHeap {
  readonly #items: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): number {
    return this.#items[0]!;
  }

  push(value: number): void {
    const items = this.#items;
    let at = items.push(value) - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (items[parent]! <= value) break;
      items[at] = items[parent]!;
      at = parent;
    }
    items[at] = value;
  }

  pop(): number {
    const items = this.#items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child = right < items.length && items[right]! < items[left]! ? right : left;
        if (items[child]! >= last) break;
        items[at] = items[child]!;
        at = child;
      }
      items[at] = last;
    }
    return top;
  }
}
