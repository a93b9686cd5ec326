// The heartbeats of one session still awaiting a reply, oldest first, as numbers in one flat array. Ten
// thousand legs each send and settle a heartbeat a second: an object per heartbeat (and a box per timestamp
// in it, which V8 does not store inline) was several cold cache lines per heartbeat on the prober thread,
// whose cost is nearly all memory traffic. Here a heartbeat is five doubles in an array that is reused for the
// whole session; usually it holds one.

/** doubles per heartbeat: seq, sentAt (wall ms), sentPerf (monotonic ms), lateMs, lost (0/1) */
const STRIDE = 5;
const SEQ = 0;
const SENT_AT = 1;
const SENT_PERF = 2;
const LATE_MS = 3;
const LOST = 4;

export class PendingBeats {
  readonly #max: number;
  /** STRIDE numbers per heartbeat, from `#head`; the array only grows, and is rewound when it empties */
  readonly #numbers: number[] = [];
  /** message mode: the filled `expect` template of each heartbeat, at the same positions / STRIDE */
  readonly #expects: string[] = [];
  #head = 0;
  #size = 0;

  /** `max`: more than this many awaiting replies and the oldest is forgotten (long since counted lost) */
  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#size;
  }

  push(seq: number, sentAt: number, sentPerf: number, lateMs: number, expect = ''): void {
    if (this.#size === this.#max) this.dropThrough(0);
    if (this.#size === 0) this.#head = 0;
    const at = this.#head + this.#size * STRIDE;
    const numbers = this.#numbers;
    numbers[at + SEQ] = seq;
    numbers[at + SENT_AT] = sentAt;
    numbers[at + SENT_PERF] = sentPerf;
    numbers[at + LATE_MS] = lateMs;
    numbers[at + LOST] = 0;
    if (expect !== '') this.#expects[at / STRIDE] = expect;
    this.#size += 1;
    // a long run without replies walks the window forward: move it back to the start now and then
    if (this.#head >= this.#max * STRIDE) this.#compact();
  }

  /** the position (0 = oldest) of the heartbeat with this seq, or -1 */
  indexOf(seq: number): number {
    const numbers = this.#numbers;
    for (let i = 0, at = this.#head; i < this.#size; i++, at += STRIDE) {
      if (numbers[at + SEQ] === seq) return i;
    }
    return -1;
  }

  /** the newest heartbeat whose filled `expect` template `text` contains, or -1 (message mode) */
  lastExpectedIn(text: string): number {
    for (let i = this.#size - 1; i >= 0; i--) {
      const expect = this.#expects[this.#head / STRIDE + i];
      if (expect !== undefined && text.includes(expect)) return i;
    }
    return -1;
  }

  seq(index: number): number {
    return this.#numbers[this.#at(index) + SEQ]!;
  }

  sentAt(index: number): number {
    return this.#numbers[this.#at(index) + SENT_AT]!;
  }

  sentPerf(index: number): number {
    return this.#numbers[this.#at(index) + SENT_PERF]!;
  }

  lateMs(index: number): number {
    return this.#numbers[this.#at(index) + LATE_MS]!;
  }

  lost(index: number): boolean {
    return this.#numbers[this.#at(index) + LOST] === 1;
  }

  /** Marks it counted lost; true if it was not already. */
  markLost(index: number): boolean {
    const at = this.#at(index) + LOST;
    if (this.#numbers[at] === 1) return false;
    this.#numbers[at] = 1;
    return true;
  }

  /** Forgets the heartbeats at positions 0..index. */
  dropThrough(index: number): void {
    const count = Math.min(index + 1, this.#size);
    if (this.#expects.length > 0) {
      for (let i = 0; i < count; i++) delete this.#expects[this.#head / STRIDE + i];
    }
    this.#head += count * STRIDE;
    this.#size -= count;
    if (this.#size === 0) this.#head = 0;
  }

  /** Forgets every heartbeat `drop` says to, keeping the others in order. */
  dropWhere(drop: (index: number) => boolean): void {
    const keep: number[] = [];
    for (let i = 0; i < this.#size; i++) if (!drop(i)) keep.push(i);
    if (keep.length < this.#size) this.#rewrite(keep);
  }

  #at(index: number): number {
    if (index < 0 || index >= this.#size) throw new RangeError(`no pending heartbeat at ${index}`);
    return this.#head + index * STRIDE;
  }

  /** Moves the live window back to the start of the array. */
  #compact(): void {
    this.#rewrite(Array.from({ length: this.#size }, (_, i) => i));
  }

  /** Keeps the heartbeats at `keep` (positions, ascending), moved to the start of the array. */
  #rewrite(keep: readonly number[]): void {
    const numbers = this.#numbers;
    const expects = this.#expects;
    const end = this.#head / STRIDE + this.#size;
    // a kept heartbeat only ever moves to a lower slot, so copying in order never overwrites one still to copy
    for (let to = 0; to < keep.length; to++) {
      const from = this.#at(keep[to]!);
      for (let field = 0; field < STRIDE; field++) numbers[to * STRIDE + field] = numbers[from + field]!;
      if (expects.length === 0) continue;
      const expect = expects[from / STRIDE];
      if (expect === undefined) delete expects[to];
      else expects[to] = expect;
    }
    if (expects.length > 0) for (let i = keep.length; i < end; i++) delete expects[i];
    this.#head = 0;
    this.#size = keep.length;
  }
}
