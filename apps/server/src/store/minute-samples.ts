// One leg's heartbeats of a minute still in memory (store/rtt.ts), as columns of numbers. At 10,000 legs over a
// million heartbeats are held at any time (the minute in progress plus the grace); as an object each, they were
// most of what the garbage collector copied and marked, a cost paid again for every heartbeat. Here a minute is
// one array of numbers (stored unboxed) and the sessions it names, each once.
//
// A minute is also reused once written (store/rtt.ts): its array keeps the size it grew to, so a leg's next
// minute fills it without growing. A fresh array per leg per minute was garbage the collector had to find in the
// old generation (it lived a minute), along with every smaller copy it grew through: at 10,000 legs ~75 MB a
// minute. (Whether it changes how often the main thread collects in full was lost in the bench's noise.)
import type { StoredSample } from './rtt-chunk.js';

/** numbers per sample: ts, rttMs (NaN: lost), suspect (0/1), hbSeq, eventSeq, session (index into sessions) */
const FIELDS = 6;

export class MinuteSamples {
  /** FIELDS numbers per sample; only the first `#used` hold this minute's, the rest is room kept from before */
  readonly #numbers: number[] = [];
  #used = 0;
  /** usually one: a leg's session changes only when it reconnects */
  readonly #sessions: string[] = [];

  get length(): number {
    return this.#used / FIELDS;
  }

  push(
    ts: number,
    rttMs: number | null,
    suspect: boolean,
    sessionId: string,
    hbSeq: number,
    eventSeq: number,
  ): void {
    const numbers = this.#numbers;
    const at = this.#used;
    const session = this.#session(sessionId);
    this.#used = at + FIELDS;
    if (at + FIELDS > numbers.length) {
      numbers.push(ts, rttMs ?? Number.NaN, suspect ? 1 : 0, hbSeq, eventSeq, session);
      return;
    }
    numbers[at] = ts;
    numbers[at + 1] = rttMs ?? Number.NaN;
    numbers[at + 2] = suspect ? 1 : 0;
    numbers[at + 3] = hbSeq;
    numbers[at + 4] = eventSeq;
    numbers[at + 5] = session;
  }

  /** Empties it for another minute, keeping the room its samples took. */
  clear(): void {
    this.#used = 0;
    this.#sessions.length = 0;
  }

  /** The samples in arrival order, as objects (for reads and the write of the minute, not per heartbeat). */
  toArray(): StoredSample[] {
    const numbers = this.#numbers;
    const samples: StoredSample[] = new Array(this.length);
    for (let i = 0, at = 0; at < this.#used; i++, at += FIELDS) {
      const rttMs = numbers[at + 1]!;
      samples[i] = {
        ts: numbers[at]!,
        rttMs: Number.isNaN(rttMs) ? null : rttMs,
        suspect: numbers[at + 2] === 1,
        sessionId: this.#sessions[numbers[at + 5]!]!,
        hbSeq: numbers[at + 3]!,
        eventSeq: numbers[at + 4]!,
      };
    }
    return samples;
  }

  #session(sessionId: string): number {
    const last = this.#sessions.length - 1;
    if (last >= 0 && this.#sessions[last] === sessionId) return last;
    const known = this.#sessions.indexOf(sessionId);
    if (known >= 0) return known;
    this.#sessions.push(sessionId);
    return last + 1;
  }
}
