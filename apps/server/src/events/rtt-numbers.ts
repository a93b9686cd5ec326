// An rtt event as numbers: the one layout both of its number encodings share, the batches the prober thread
// hands the main thread (probe/event-batch.ts) and the event-log rows on disk (store/rtt-event-block.ts). Names
// (target, leg, session id) are indices into a string table the caller keeps; a lost heartbeat's rttMs and an
// absent lateMs are NaN, suspect is 0 or 1.
import type { RttEvent } from '@hopwatch/shared/protocol';

/** numbers per event: ts, target, leg, sessionId (string indices), seq, rttMs, lateMs, suspect */
export const RTT_NUMBERS = 8;

/** Writes `event` at `at`; `name` gives a string's index in the caller's table. */
export function writeRttNumbers(
  numbers: Float64Array | number[],
  at: number,
  event: RttEvent,
  names: readonly [target: number, leg: number, session: number],
): void {
  writeRttFields(numbers, at, names, event.ts, event.seq, event.rttMs, event.suspect === true, event.lateMs);
}

/** The same, from the event's fields (for a writer that has no event object). */
export function writeRttFields(
  numbers: Float64Array | number[],
  at: number,
  names: readonly [target: number, leg: number, session: number],
  ts: number,
  seq: number,
  rttMs: number | null,
  suspect: boolean,
  lateMs: number | undefined,
): void {
  numbers[at] = ts;
  numbers[at + 1] = names[0];
  numbers[at + 2] = names[1];
  numbers[at + 3] = names[2];
  numbers[at + 4] = seq;
  numbers[at + 5] = rttMs ?? Number.NaN;
  numbers[at + 6] = lateMs ?? Number.NaN;
  numbers[at + 7] = suspect ? 1 : 0;
}

/** The event written at `at`; `name` turns a string index back into its string (and may refuse it). */
export function readRttNumbers(numbers: Float64Array, at: number, name: (index: number) => string): RttEvent {
  const rttMs = numbers[at + 5]!;
  const lateMs = numbers[at + 6]!;
  // property order as the prober builds the event, so stored JSON reads as before
  const event: RttEvent = {
    kind: 'rtt',
    ts: numbers[at]!,
    target: name(numbers[at + 1]!),
    leg: name(numbers[at + 2]!),
    sessionId: name(numbers[at + 3]!),
    seq: numbers[at + 4]!,
    rttMs: Number.isNaN(rttMs) ? null : rttMs,
    suspect: numbers[at + 7] === 1,
  };
  if (!Number.isNaN(lateMs)) event.lateMs = lateMs;
  return event;
}
