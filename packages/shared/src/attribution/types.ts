// The plain facts attribution works on. The server fills them from its store, the tests write them by hand:
// both feed the same functions, so what the tests prove is what the server runs.
import type { Cause } from '../protocol/causes.js';
import type { Session } from '../protocol/session.js';

/** A leg as attribution sees it: the segments it crosses and how often it proves it is alive. */
export interface LegFacts {
  name: string;
  /** every segment the leg crosses, including its private `<leg>:entry` (see coverage.ts) */
  covers: readonly string[];
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /**
   * where it is probed from, the `<name>` of the `vantage:<name>` segment it covers (several instances sharing
   * a store); absent for hopwatch alone, whose legs all share its one event loop (see vantage-stalls.ts)
   */
  vantage?: string;
}

/** A target as attribution sees it. */
export interface TargetFacts {
  name: string;
  /** outermost first, e.g. [last-mile, cloudflare, tunnel, traefik, dispatch, t3-serve] */
  segments: readonly string[];
  correlationWindowMs: number;
  legs: readonly LegFacts[];
}

/**
 * One heartbeat of one leg: answered (`rttMs`) or lost (`null`); `suspect` when hopwatch was behind (sent late
 * or stalled), so its RTT is not the path's. Whether it proves life is judged against the stalls (classify.ts).
 */
export interface HeartbeatSample {
  leg: string;
  sessionId: string;
  ts: number;
  rttMs: number | null;
  suspect: boolean;
}

/** hopwatch's own event loop stalled for `delayMs`, noticed at `ts` (so it covered [ts - delayMs, ts]). */
export interface ProberStall {
  ts: number;
  delayMs: number;
  /**
   * the vantage whose event loop stalled: only its own legs' heartbeats and drops were held up. Absent for
   * hopwatch alone, whose stalls are every leg's (as legs carry no vantage there either).
   */
  vantage?: string;
}

/** A closed time range, epoch ms. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** The drops a cluster holds: sessions the path ended, oldest first. */
export type Drop = Session & { closedAt: number; cause: Cause };

/** Narrows a session to a drop: closed, by the path (hopwatch's own closes carry cause null). */
export function isDropSession(session: Session): session is Drop {
  return session.closedAt !== null && session.cause !== null;
}
