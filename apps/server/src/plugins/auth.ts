// The authToken guard (docs/spec.md#5-security). With `server.authToken` set, every /api route, /api/live and /metrics
// need `Authorization: Bearer <token>` or the `hopwatch_token` cookie the login page sets; /healthz, the
// login page and the dashboard's static files stay open (they hold no monitoring data).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

/** The tokens a request carries: the Bearer header and the login cookie (either may be right). */
export function presentedTokens(request: FastifyRequest): string[] {
  const tokens: string[] = [];
  const bearer = /^Bearer[ \t]+(.+?)[ \t]*$/i.exec(request.headers.authorization ?? '');
  if (bearer?.[1]) tokens.push(bearer[1]);
  const cookie = readCookie(request.headers.cookie, AUTH_COOKIE);
  if (cookie) tokens.push(cookie);
  return tokens;
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
export function installAuth(app: FastifyInstance, authToken: string): void {
  if (authToken === '') return;
  app.addHook('onRequest', async (request, reply) => {
    if (!needsToken(request)) return;
    if (presentedTokens(request).some((token) => tokenMatches(token, authToken))) return;
    return sendApiError(
      reply,
      new ApiFailure(
        'unauthorized',
        'this hopwatch needs its token: send Authorization: Bearer <token>, or log in at /login',
      ),
    );
  });
}
