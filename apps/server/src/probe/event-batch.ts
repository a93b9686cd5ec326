// How the prober thread hands its events to the main thread. Ten thousand legs make ten thousand `rtt` events a
// second; posted as objects, each is a nine-property structured clone on the way out and a fresh object graph
// on the way in, which cost more CPU than the pings themselves. RTT samples therefore travel as numbers in one
// Float64Array per batch (transferred, not copied), their strings once per batch; the rare other events go as
// they are, each with its place among the samples, so the main thread sees every event in publication order.
import type { HopEvent, RttEvent } from '@hopwatch/shared/protocol';

/** numbers per RTT sample: target, leg, sessionId (indices into `strings`), ts, seq, rttMs, lateMs, suspect */
const FIELDS = 8;

export interface PackedEvents {
  /** the strings RTT samples name: each target once, a leg and session as often as the batch holds a sample of them */
  strings: string[];
  /** FIELDS numbers per sample; rttMs NaN = lost (null), lateMs NaN = absent, suspect 0/1 */
  rtt: Float64Array<ArrayBuffer>;
  /** every other event, with how many RTT samples were published before it */
  others: Array<{ after: number; event: HopEvent }>;
}

/** Collects one batch. `take()` hands it over (its buffer is meant for the transfer list) and starts anew. */
export class EventPacker {
  #strings: string[] = [];
  #index = new Map<string, number>();
  #rtt: number[] = [];
  #samples = 0;
  #others: Array<{ after: number; event: HopEvent }> = [];

  get size(): number {
    return this.#samples + this.#others.length;
  }

  add(event: HopEvent): void {
    if (event.kind !== 'rtt') {
      this.#others.push({ after: this.#samples, event });
      return;
    }
    // A batch holds 50 ms of samples: a leg beating every second appears in it once, so its name and session
    // are written as they come (a lookup would nearly always miss); the few target names are shared.
    this.#rtt.push(
      this.#intern(event.target),
      this.#strings.push(event.leg) - 1,
      this.#strings.push(event.sessionId) - 1,
      event.ts,
      event.seq,
      event.rttMs ?? Number.NaN,
      event.lateMs ?? Number.NaN,
      event.suspect ? 1 : 0,
    );
    this.#samples += 1;
  }

  take(): PackedEvents {
    const packed: PackedEvents = {
      strings: this.#strings,
      rtt: Float64Array.from(this.#rtt),
      others: this.#others,
    };
    this.#strings = [];
    this.#index = new Map();
    this.#rtt = [];
    this.#samples = 0;
    this.#others = [];
    return packed;
  }

  #intern(text: string): number {
    let index = this.#index.get(text);
    if (index === undefined) {
      index = this.#strings.length;
      this.#strings.push(text);
      this.#index.set(text, index);
    }
    return index;
  }
}

/** What a batch is unpacked into, in the order the prober published it. */
export interface UnpackedEvents {
  /** a run of RTT samples with no other event between them: published as one run (EventBus.publishRtt) */
  rtt(events: RttEvent[]): void;
  other(event: HopEvent): void;
}

/** Calls `each` with every event of a batch, in the order the prober published them. */
export function unpackEvents(packed: PackedEvents, each: (event: HopEvent) => void): void {
  unpackRuns(packed, {
    rtt: (events) => {
      for (const event of events) each(event);
    },
    other: each,
  });
}

/** Hands a batch over as runs of RTT samples and single other events, in the order the prober published them. */
export function unpackRuns(packed: PackedEvents, to: UnpackedEvents): void {
  const { strings, rtt, others } = packed;
  const samples = rtt.length / FIELDS;
  let sample = 0;
  for (let next = 0; next <= others.length; next++) {
    const runEnd = next < others.length ? Math.min(others[next]!.after, samples) : samples;
    if (runEnd > sample) {
      const run: RttEvent[] = new Array(runEnd - sample);
      for (let i = 0; sample < runEnd; i++, sample++) run[i] = sampleAt(strings, rtt, sample * FIELDS);
      to.rtt(run);
    }
    if (next < others.length) to.other(others[next]!.event);
  }
}

function sampleAt(strings: readonly string[], rtt: Float64Array, at: number): RttEvent {
  const rttMs = rtt[at + 5]!;
  const lateMs = rtt[at + 6]!;
  const event: RttEvent = {
    kind: 'rtt',
    ts: rtt[at + 3]!,
    target: strings[rtt[at]!]!,
    leg: strings[rtt[at + 1]!]!,
    sessionId: strings[rtt[at + 2]!]!,
    seq: rtt[at + 4]!,
    rttMs: Number.isNaN(rttMs) ? null : rttMs,
    suspect: rtt[at + 7] === 1,
  };
  if (!Number.isNaN(lateMs)) event.lateMs = lateMs;
  return event;
}
