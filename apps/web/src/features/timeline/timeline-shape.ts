// One leg's sessions turned into what its timeline strip draws: stretches of up / connecting / down, and a
// mark at every drop coloured by its cause. Pure, so every edge of the strip is tested with tables.
import { ATTEMPT_CAUSES, type Cause, type LegState, type Session } from '@hopwatch/shared/protocol';

/**
 * - up: a session was open;
 * - connecting / down: the leg's live state (connecting now, or waiting to retry after a drop);
 * - down also for a gap that followed a drop (the leg was reconnecting);
 * - off: no session and no drop before it (hopwatch was not running, or closed it itself);
 * - unknown: older than the sessions fetched (a flapping leg had more than the page held).
 */
export type StripState = 'up' | 'connecting' | 'down' | 'off' | 'unknown';

export interface StripSegment {
  from: number;
  to: number;
  state: StripState;
}

export interface DropMark {
  sessionId: string;
  at: number;
  cause: Cause;
  suspect: boolean;
  /** a failed connection attempt (connect_failed, handshake_rejected): the session never opened */
  attempt: boolean;
}

export interface TimelineShape {
  segments: StripSegment[];
  /** oldest first */
  drops: DropMark[];
  /** where the fetched sessions begin: before it the strip is unknown */
  knownFrom: number;
}

export interface TimelineInput {
  /** newest first, as the API and the cache hold them */
  sessions: readonly Session[];
  from: number;
  to: number;
  now: number;
  /** the leg's state right now; only for windows that reach the present */
  current: { state: LegState; since: number } | null;
  truncated: boolean;
}

export function isAttempt(session: Session): boolean {
  return session.cause !== null && ATTEMPT_CAUSES.includes(session.cause) && session.durationMs === 0;
}

export function shapeTimeline(input: TimelineInput): TimelineShape {
  const { from, to, now } = input;
  const end = Math.min(to, now);
  const ascending = [...input.sessions].sort((a, b) => a.openedAt - b.openedAt);
  const oldest = ascending[0];
  const knownFrom = input.truncated && oldest ? Math.max(from, oldest.openedAt) : from;
  const segments: StripSegment[] = [];
  const drops: DropMark[] = [];
  const push = (segmentFrom: number, segmentTo: number, state: StripState) => {
    const a = Math.max(from, segmentFrom);
    const b = Math.min(end, segmentTo);
    if (b <= a) return;
    const last = segments[segments.length - 1];
    if (last && last.state === state && last.to >= a) last.to = Math.max(last.to, b);
    else segments.push({ from: a, to: b, state });
  };

  if (knownFrom > from) push(from, knownFrom, 'unknown');
  let cursor = knownFrom;
  let afterDrop = false;
  for (const session of ascending) {
    if (session.openedAt > cursor) push(cursor, session.openedAt, afterDrop ? 'down' : 'off');
    if (
      session.cause !== null &&
      session.closedAt !== null &&
      session.closedAt >= from &&
      session.closedAt <= to
    ) {
      drops.push({
        sessionId: session.id,
        at: session.closedAt,
        cause: session.cause,
        suspect: session.suspect,
        attempt: isAttempt(session),
      });
    }
    if (isAttempt(session)) {
      afterDrop = true;
      cursor = Math.max(cursor, session.closedAt ?? session.openedAt);
      continue;
    }
    const closedAt = session.closedAt ?? end;
    push(session.openedAt, closedAt, 'up');
    afterDrop = session.cause !== null;
    cursor = Math.max(cursor, closedAt);
  }

  if (cursor < end) {
    const current = input.current;
    if (current && current.state !== 'up' && current.since < end) {
      push(cursor, current.since, afterDrop ? 'down' : 'off');
      push(Math.max(cursor, current.since), end, current.state);
    } else {
      push(cursor, end, afterDrop ? 'down' : 'off');
    }
  }
  return { segments, drops, knownFrom };
}

/** The leg's state at the end of a past window, read off its strip; null before any session. */
export function stateAt(shape: TimelineShape, t: number): StripState | null {
  for (let i = shape.segments.length - 1; i >= 0; i -= 1) {
    const segment = shape.segments[i];
    if (segment && segment.from <= t) return segment.state;
  }
  return null;
}
