// A leg's condition over time, driven by its sessions (docs/spec.md#1-concepts, "Outage"). Pure: the server feeds it the
// session events of each leg and publishes what it says.
//
//                 first session opens                    established session dropped
//   connecting ──────────────────────────▶ up ──────────────────────────────────────────▶ down (outage open)
//       │  ▲                               ▲ │                                             │  ▲   │
//       │  └──── hopwatch closed it ───────┼─┘ (shutdown, reload: not a drop)             │  └───┘ failed attempt:
//       │                                  └────────── a session opens: outage ends ──────┘      attempts + 1
//       └── first attempt fails: outage open, attempts 1 ──────────────────────────────────────▶ down
//
// `since` is when the current connecting, up or down period began: failed retries of a down leg never move
// it. A session hopwatch ended itself (cause null) is never a drop: an up leg goes back to connecting, a
// down leg stays down (its outage goes on until a session opens).
import type { Cause } from '../protocol/causes.js';
import type { LegOutage } from '../protocol/outage.js';

export type LegCondition =
  | { state: 'connecting'; since: number }
  | { state: 'up'; since: number }
  | { state: 'down'; since: number; outage: LegOutage };

/** What the machine needs to know of a closed session. */
export interface ClosedSession {
  openedAt: number;
  /** null only in a malformed event: the session then counts as closed when it opened */
  closedAt: number | null;
  /** null: hopwatch ended it (shutdown, reload), not a drop */
  cause: Cause | null;
  error: string | null;
  httpStatus: number | null;
}

export type OutageInput = { type: 'open'; at: number } | { type: 'close'; session: ClosedSession };

/** What a transition means beyond the new condition. */
export type OutageEffect =
  /** an established session was lost: the outage began */
  | { type: 'drop'; outage: LegOutage }
  /** a leg that never connected failed its first attempt: the outage began */
  | { type: 'first_attempt_failed'; outage: LegOutage }
  /** one more failed attempt of an open outage */
  | { type: 'attempt_failed'; outage: LegOutage }
  /** a session was established again: the outage ended at `until` */
  | { type: 'outage_end'; outage: LegOutage; until: number }
  | { type: 'none' };

export interface OutageStep {
  condition: LegCondition;
  effect: OutageEffect;
}

export function initialCondition(now: number): LegCondition {
  return { state: 'connecting', since: now };
}

export function nextCondition(condition: LegCondition, input: OutageInput): OutageStep {
  if (input.type === 'open') {
    if (condition.state === 'up') return { condition, effect: NONE };
    const up: LegCondition = { state: 'up', since: input.at };
    if (condition.state === 'connecting') return { condition: up, effect: NONE };
    return { condition: up, effect: { type: 'outage_end', outage: condition.outage, until: input.at } };
  }
  const { session } = input;
  const at = session.closedAt ?? session.openedAt;
  if (session.cause === null) {
    // hopwatch ended it: no drop. An up leg reconnects (connecting); a down leg's outage goes on.
    if (condition.state === 'up') return { condition: { state: 'connecting', since: at }, effect: NONE };
    return { condition, effect: NONE };
  }
  const failure = {
    lastCause: session.cause,
    lastError: session.error,
    lastHttpStatus: session.httpStatus,
  };
  if (condition.state === 'down') {
    const outage: LegOutage = { ...condition.outage, attempts: condition.outage.attempts + 1, ...failure };
    return { condition: { ...condition, outage }, effect: { type: 'attempt_failed', outage } };
  }
  // An up leg lost its established session; a leg that never connected failed its first attempt, which
  // belongs to the outage it begins.
  const established = condition.state === 'up';
  const outage: LegOutage = {
    since: at,
    attempts: established ? 0 : 1,
    firstCause: session.cause,
    ...failure,
  };
  return {
    condition: { state: 'down', since: at, outage },
    effect: { type: established ? 'drop' : 'first_attempt_failed', outage },
  };
}

const NONE: OutageEffect = { type: 'none' };
