// Handing out seq synchronously while the numbers come from one PostgreSQL sequence shared by every instance.
//
// The sequence counts in blocks (INCREMENT BY SEQ_BLOCK): one `nextval` reserves [start, start + SEQ_BLOCK)
// for this instance alone, so `append` answers from memory and no number is ever handed out twice, across
// instances and restarts. A spare block is always being reserved in the background; at every flush the
// writer rolls onto the spare (the rest of its block is never used) so that its low water, the smallest seq
// it may still commit, keeps up with the sequence even when it publishes little (see watermark.ts).
//
//   no spare ──reserve() answers──▶ spare ready ──roll() at a flush / block used up──▶ no spare (reserve again)
export class SeqBlocks {
  readonly #blockSize: number;
  #next: number;
  #end: number;
  #spare: number | null = null;
  #last: number;

  /** `first`: a block reserved while the writer registered; `after`: the last seq known stored before it */
  constructor(first: number, blockSize: number) {
    this.#blockSize = blockSize;
    this.#next = first;
    this.#end = first + blockSize;
    this.#last = first - 1;
  }

  /** The next seq, or null when the block is used up and the spare has not arrived (an overload). */
  take(): number | null {
    if (this.#next >= this.#end && !this.#switchToSpare()) return null;
    this.#last = this.#next;
    this.#next += 1;
    return this.#last;
  }

  /** The last seq handed out (or just below the first block). */
  get last(): number {
    return this.#last;
  }

  get hasSpare(): boolean {
    return this.#spare !== null;
  }

  addSpare(start: number): void {
    this.#spare = start;
  }

  /**
   * Called at the start of a flush, after the queued events were taken: moves onto the spare when there is
   * one and returns the writer's low water, the smallest seq this instance may still commit from now on.
   */
  roll(): number {
    this.#switchToSpare();
    return this.#next;
  }

  #switchToSpare(): boolean {
    if (this.#spare === null) return false;
    this.#next = this.#spare;
    this.#end = this.#spare + this.#blockSize;
    this.#spare = null;
    return true;
  }
}
