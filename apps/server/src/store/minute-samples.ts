// One leg's heartbeats of a minute still in memory (store/rtt.ts), as columns of numbers. At 10,000 legs over a
// million heartbeats are held at any time (the minute in progress plus the grace); as an object each, they were
// most of what the garbage collector copied and marked, a cost paid again for every heartbeat. Here a minute is
// one array of numbers (stored unboxed) and the sessions it names, each once.
import type { StoredSample } from './rtt-chunk.js';

/** numbers per sample: ts, rttMs (NaN: lost), suspect (0/1), hbSeq, eventSeq, session (index into sessions) */
const FIELDS = 6;

export class MinuteSamples {
  /**
   * FIELDS numbers per sample, grown by doubling. A typed array's storage lies outside the JS heap: a minute
   * held for two is not copied by scavenges, promoted, and marked by every full collection, as a growing
   * array of numbers was.
   */
  #numbers: Float64Array;
  #length = 0;
  /** usually one: a leg's session changes only when it reconnects */
  readonly #sessions: string[] = [];

  /** `expected`: how many samples the minute will likely hold (the leg's previous minute), so it rarely grows */
  constructor(expected = 8) {
    this.#numbers = new Float64Array(FIELDS * Math.max(1, expected));
  }

  get length(): number {
    return this.#length;
  }

  push(
    ts: number,
    rttMs: number | null,
    suspect: boolean,
    sessionId: string,
    hbSeq: number,
    eventSeq: number,
  ): void {
    let at = this.#length * FIELDS;
    if (at + FIELDS > this.#numbers.length) {
      const grown = new Float64Array(this.#numbers.length * 2);
      grown.set(this.#numbers);
      this.#numbers = grown;
    }
    const numbers = this.#numbers;
    numbers[at++] = ts;
    numbers[at++] = rttMs ?? Number.NaN;
    numbers[at++] = suspect ? 1 : 0;
    numbers[at++] = hbSeq;
    numbers[at++] = eventSeq;
    numbers[at] = this.#session(sessionId);
    this.#length += 1;
  }

  /** The samples in arrival order, as objects (for reads and the write of the minute, not per heartbeat). */
  toArray(): StoredSample[] {
    const numbers = this.#numbers;
    const samples: StoredSample[] = new Array(this.length);
    for (let i = 0, at = 0; i < this.#length; i++, at += FIELDS) {
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
