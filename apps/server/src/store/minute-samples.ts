// One leg's heartbeats of a minute still in memory (store/rtt.ts), as columns of numbers. At 10,000 legs over a
// million heartbeats are held at any time (the minute in progress plus the grace); as an object each, they were
// most of what the garbage collector copied and marked, a cost paid again for every heartbeat. Here a minute is
// one array of numbers (stored unboxed) and the sessions it names, each once.
import type { StoredSample } from './rtt-chunk.js';

/** numbers per sample: ts, rttMs (NaN: lost), suspect (0/1), hbSeq, eventSeq, session (index into sessions) */
const FIELDS = 6;

export class MinuteSamples {
  readonly #numbers: number[] = [];
  /** usually one: a leg's session changes only when it reconnects */
  readonly #sessions: string[] = [];

  get length(): number {
    return this.#numbers.length / FIELDS;
  }

  push(
    ts: number,
    rttMs: number | null,
    suspect: boolean,
    sessionId: string,
    hbSeq: number,
    eventSeq: number,
  ): void {
    this.#numbers.push(ts, rttMs ?? Number.NaN, suspect ? 1 : 0, hbSeq, eventSeq, this.#session(sessionId));
  }

  /** The samples in arrival order, as objects (for reads and the write of the minute, not per heartbeat). */
  toArray(): StoredSample[] {
    const numbers = this.#numbers;
    const samples: StoredSample[] = new Array(this.length);
    for (let i = 0, at = 0; at < numbers.length; i++, at += FIELDS) {
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
