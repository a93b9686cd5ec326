// GET /api/sessions for one leg and window, newest first. Live windows are kept current by session_open and
// session_close events (lib/live/live-cache.ts) and trimmed as the window moves on.
import {
  type Session,
  type SessionCloseEvent,
  type SessionOpenEvent,
  sessionFromOpen,
  sessionsResponseSchema,
} from '@hopwatch/shared/protocol';
import { queryOptions } from '@tanstack/react-query';
import { apiGet } from '../../../lib/api-client';
import { type QueryRange, rangeBounds } from '../../../lib/view-window';

/** Newest sessions fetched per leg and window; a flapping leg may have more, and the strip says so. */
export const SESSIONS_LIMIT = 1_000;

export interface SessionsPage {
  /** newest first */
  sessions: Session[];
  /** the server had more than the limit: only the newest part of the window is known */
  truncated: boolean;
}

export const sessionKeys = {
  all: ['sessions'] as const,
  leg: (target: string, leg: string) => [...sessionKeys.all, target, leg] as const,
  list: (target: string, leg: string, range: QueryRange) => [...sessionKeys.leg(target, leg), range] as const,
};

export async function getSessions(
  target: string,
  leg: string,
  range: QueryRange,
  signal?: AbortSignal,
): Promise<SessionsPage> {
  const { from, to } = rangeBounds(range, Date.now());
  const { sessions } = await apiGet(
    '/api/sessions',
    { target, leg, from, to, limit: SESSIONS_LIMIT },
    sessionsResponseSchema,
    signal,
  );
  return { sessions, truncated: sessions.length >= SESSIONS_LIMIT };
}

export function sessionsQueryOptions(target: string, leg: string, range: QueryRange) {
  return queryOptions({
    queryKey: sessionKeys.list(target, leg, range),
    queryFn: ({ signal }) => getSessions(target, leg, range, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * A live page with one session added or replaced (by id), kept newest first, and with sessions that ended
 * before the window's start dropped so a wall screen's cache stays the size of its window for days.
 */
export function withSession(page: SessionsPage, session: Session, windowStart: number): SessionsPage {
  // A replayed open must not reopen a session the cache already knows closed.
  const known = page.sessions.find((s) => s.id === session.id);
  if (known && known.closedAt !== null && session.closedAt === null) return page;
  const rest = page.sessions.filter(
    (s) => s.id !== session.id && (s.closedAt === null || s.closedAt >= windowStart),
  );
  const at = rest.findIndex((s) => s.openedAt <= session.openedAt);
  const sessions = at === -1 ? [...rest, session] : [...rest.slice(0, at), session, ...rest.slice(at)];
  return { ...page, sessions };
}

export function sessionFromEvent(event: SessionOpenEvent | SessionCloseEvent): Session {
  return event.kind === 'session_open' ? sessionFromOpen(event) : event.session;
}
