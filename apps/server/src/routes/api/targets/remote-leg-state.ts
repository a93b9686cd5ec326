// The state of a leg this instance does not probe (another vantage's, on a shared store), read off its
// sessions: up while its newest session is open, down once it closed, connecting before it ever opened one.
import type { LegView, Session } from '@hopwatch/shared/protocol';

/** `sessions`: the leg's sessions, newest first. */
export function remoteLegState(sessions: readonly Session[], now: number): Pick<LegView, 'state' | 'since'> {
  const newest = sessions[0];
  if (!newest) return { state: 'connecting', since: now };
  if (newest.closedAt === null) return { state: 'up', since: newest.openedAt };
  return { state: 'down', since: newest.closedAt };
}
