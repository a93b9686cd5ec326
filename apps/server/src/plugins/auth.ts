// The authToken guard (docs/spec.md#5-security). With `server.authToken` set, every /api route, /api/live and /metrics
// need `Authorization: Bearer <token>` or the `hopwatch_token` cookie the login page sets (a signed session,
// plugins/session-cookie.ts); /healthz, the login page and the dashboard's static files stay open (they hold
// no monitoring data). Wrong credentials count against the client's failure limit (plugins/auth-limiter.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthFailureLimiter } from '../plugins/auth-limiter.js';
import type { SessionSigner } from '../plugins/session-cookie.js';
import { ApiFailure, sendApiError } from './errors.js';

export const AUTH_COOKIE = 'hopwatch_token';

/** Routes that answer without a token even when one is configured. */
const OPEN_API_ROUTES = new Set(['/api/login', '/api/logout']);

/** Whether a request needs the token: by the route it matched and by its path, so %-encoding cannot dodge. */
export function needsToken(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route !== undefined && OPEN_API_ROUTES.has(route)) return false;
  return isProtectedPath(route ?? '') || isProtectedPath(decodedPath(request.url));
}

function isProtectedPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/metrics' || path.startsWith('/metrics/');
}

function decodedPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // Fastify refuses such URLs itself; compare the raw path meanwhile.
  }
}

/** Compares in constant time: both sides are hashed first so their lengths leak nothing either. */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export type Credentials = 'valid' | 'none' | 'expired' | 'wrong';

/**
 * Judges what a request carries: the Bearer token and the login session cookie (either may be right).
 * 'none' and 'expired' are not guesses (a browser before its login, a wall screen after a week); 'wrong' is.
 */
export function checkCredentials(
  request: FastifyRequest,
  authToken: string,
  sessions: SessionSigner,
): Credentials {
  const bearer = /^Bearer[ \t]+(.+?)[ \t]*$/i.exec(request.headers.authorization ?? '')?.[1];
  const cookie = readCookie(request.headers.cookie, AUTH_COOKIE);
  if (bearer !== undefined && tokenMatches(bearer, authToken)) return 'valid';
  const session = cookie ? sessions.verify(cookie) : null;
  if (session === 'valid') return 'valid';
  if (bearer !== undefined || session === 'invalid') return 'wrong';
  return session === 'expired' ? 'expired' : 'none';
}

/** The answer to a client that failed too often: refused, right token or not, until Retry-After. */
export function lockedOut(retryAfterS: number): ApiFailure {
  return new ApiFailure('rate_limited', `too many failed logins; retry in ${retryAfterS} s`, {
    'retry-after': String(retryAfterS),
  });
}

/** One cookie's value from a Cookie header (RFC 6265 section 5.4), percent-decoded; null when absent. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    const raw = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return null;
}

/**
 * Adds the guard to the root instance, so it covers every route registered anywhere (hooks added inside a
 * registered plugin would only cover that plugin's routes). Does nothing without a configured token.
 */
export function installAuth(
  app: FastifyInstance,
  authToken: string,
  guard: { limiter: AuthFailureLimiter; sessions: SessionSigner },
): void {
  if (authToken === '') return;
  app.addHook('onRequest', async (request, reply) => {
    if (!needsToken(request)) return;
    const allowed = guard.limiter.check(request.ip);
    if (!allowed.ok) return sendApiError(reply, lockedOut(allowed.retryAfterS));
    const credentials = checkCredentials(request, authToken, guard.sessions);
    if (credentials === 'valid') return;
    if (credentials === 'wrong') guard.limiter.failed(request.ip);
    return sendApiError(
      reply,
      new ApiFailure(
        'unauthorized',
        'this hopwatch needs its token: send Authorization: Bearer <token>, or log in at /login',
      ),
    );
  });
}
