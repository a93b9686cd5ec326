// What the rest of hopwatch may ask of the prober.
import type { LegState } from '@hopwatch/shared/protocol';
import type { TargetConfig } from '../config/types.js';

export interface LegStatus {
  target: string;
  leg: string;
  state: LegState;
  since: number;
  sessionId: string | null;
  /** when the last heartbeat reply arrived, for `up` legs */
  lastReplyAt: number | null;
}

export interface ProberHandle {
  start(): void;
  /** Closes every leg. Sessions closed here are not drops (session_close with cause null). */
  stop(): Promise<void>;
  /** Applies a reloaded config: legs whose settings did not change keep their sessions. */
  apply(targets: TargetConfig[]): void;
  status(): LegStatus[];
}
