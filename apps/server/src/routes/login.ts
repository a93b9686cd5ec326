// The minimal login for `server.authToken`: GET /login is a plain HTML form (no script, so it works on any
// wall screen), POST /api/login checks the token and sets the `hopwatch_token` cookie, which browsers
// also send on the /api/live upgrade, where they cannot set headers. POST /api/logout clears it. A `next`
// (query on the page, hidden field in the form) returns the browser to the page it asked for.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AUTH_COOKIE, tokenMatches } from '../plugins/auth.js';
import { ApiFailure } from '../plugins/errors.js';
import { htmlAttribute, loginUrl, safeNext } from './login-next.js';

export interface LoginRouteOptions {
  authToken: string;
}

const COOKIE_MAX_AGE_S = 30 * 86_400;
const FORM_TYPE = 'application/x-www-form-urlencoded';
const LOGIN_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
const loginBodySchema = z.object({ token: z.string().max(4_096), next: z.string().max(4_096).optional() });

export async function loginRoutes(app: FastifyInstance, options: LoginRouteOptions): Promise<void> {
  const { authToken } = options;

  // HTML forms post urlencoded; the parser lives in this plugin only, so no other route accepts forms.
  app.addContentTypeParser(FORM_TYPE, { parseAs: 'string', bodyLimit: 8_192 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.get('/login', async (request, reply) => {
    const query = (
      typeof request.query === 'object' && request.query !== null ? request.query : {}
    ) as Record<string, unknown>;
    const next = safeNext(query.next);
    if (authToken === '') return reply.redirect(next, 303);
    const failed = 'failed' in query;
    return (
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        // No script, no framing (clickjacking the token field), and the form may only post here.
        .header('content-security-policy', LOGIN_CSP)
        .header('x-frame-options', 'DENY')
        .send(loginPage(failed, next))
    );
  });

  app.post('/api/login', async (request, reply) => {
    const fromForm = isForm(request);
    const parsed = loginBodySchema.safeParse(request.body);
    const token = parsed.success ? parsed.data.token : '';
    // Back to the page that was asked for (`next`), kept through a wrong token too.
    const next = safeNext(parsed.success ? parsed.data.next : undefined);
    if (authToken === '' || !tokenMatches(token, authToken)) {
      if (fromForm) return reply.redirect(loginUrl(next, true), 303);
      throw new ApiFailure('unauthorized', 'wrong token');
    }
    setAuthCookie(reply, request, token, COOKIE_MAX_AGE_S);
    return fromForm ? reply.redirect(next, 303) : reply.code(204).send();
  });

  app.post('/api/logout', async (request, reply) => {
    setAuthCookie(reply, request, '', 0);
    return isForm(request) ? reply.redirect('/login', 303) : reply.code(204).send();
  });
}

function isForm(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith(FORM_TYPE);
}

function setAuthCookie(reply: FastifyReply, request: FastifyRequest, value: string, maxAgeS: number): void {
  // HttpOnly: page scripts (and XSS) cannot read it; SameSite=Strict: other sites cannot ride on it.
  const attributes = [`Path=/`, 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeS}`];
  if (request.protocol === 'https') attributes.push('Secure');
  reply.header('set-cookie', `${AUTH_COOKIE}=${encodeURIComponent(value)}; ${attributes.join('; ')}`);
}

function loginPage(failed: boolean, next: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hopwatch — log in</title>
<style>
  :root { color-scheme: dark; --bg: #0f1115; --ink: #e6e6e6; --field: #181b22; --line: #5a6270; --error: #ff9a5c; }
  @media (prefers-color-scheme: light) {
    :root { color-scheme: light; --bg: #f5f6f8; --ink: #1b1f24; --field: #ffffff; --line: #767f8c; --error: #a33f00; }
  }
  body { font: 16px system-ui, sans-serif; background: var(--bg); color: var(--ink); display: grid; place-items: center; min-height: 100vh; margin: 0; }
  main { width: min(22rem, 90vw); }
  form { display: grid; gap: 0.75rem; }
  input, button { font: inherit; padding: 0.5rem 0.75rem; border-radius: 6px; border: 1px solid var(--line); }
  input { background: var(--field); color: inherit; }
  button { background: #0a5fb4; color: white; border: 0; cursor: pointer; }
  :focus-visible { outline: 3px solid #56b4e9; outline-offset: 2px; }
  .error { color: var(--error); margin: 0; }
</style>
</head>
<body>
<main>
<form method="post" action="/api/login">
  <h1>hopwatch</h1>
  <input type="hidden" name="next" value="${htmlAttribute(next)}">
  <label for="token">Access token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
  ${failed ? '<p class="error" role="alert">That token is not right.</p>' : ''}
  <button type="submit">Log in</button>
</form>
</main>
</body>
</html>
`;
}
