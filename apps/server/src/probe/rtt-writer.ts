// Where a session's heartbeat samples go. Ten thousand legs sample ten thousand times a second: the prober
// thread writes each straight into its batch as numbers (event-batch.ts, PackedRttWriter), with no event object
// and no lookup per sample; anywhere else (an in-process prober, tests) a sample is published as the rtt event
// it stands for.
import type { HopEvent } from '@hopwatch/shared/protocol';

export interface RttWriter {
  /** `rttMs` null: lost; `lateMs`: how late the heartbeat was sent */
  write(ts: number, seq: number, rttMs: number | null, suspect: boolean, lateMs: number): void;
}

/** Makes the writer of one session's samples. */
export type RttWriters = (target: string, leg: string, sessionId: string) => RttWriter;

/** A writer that publishes each sample as an rtt event. */
export function eventRttWriter(
  publish: (event: HopEvent) => void,
  target: string,
  leg: string,
  sessionId: string,
): RttWriter {
  return {
    write(ts, seq, rttMs, suspect, lateMs) {
      publish({ kind: 'rtt', ts, target, leg, sessionId, seq, rttMs, suspect, lateMs });
    },
  };
}
