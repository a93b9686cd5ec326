// The minimal login for `server.authToken`: GET /login is a plain HTML form (no script, so it works on any
// wall screen), POST /api/login checks the token and sets the `hopwatch_token` cookie, which browsers
// also send on the /api/live upgrade, where they cannot set headers. POST /api/logout clears it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AUTH_COOKIE, tokenMatches } from '../plugins/auth.js';
import { ApiFailure } from '../plugins/errors.js';

export interface LoginRouteOptions {
  authToken: string;
}

const COOKIE_MAX_AGE_S = 30 * 86_400;
const FORM_TYPE = 'application/x-www-form-urlencoded';
const LOGIN_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
const loginBodySchema = z.object({ token: z.string().max(4_096) });

export async function loginRoutes(app: FastifyInstance, options: LoginRouteOptions): Promise<void> {
  const { authToken } = options;

  // HTML forms post urlencoded; the parser lives in this plugin only, so no other route accepts forms.
  app.addContentTypeParser(FORM_TYPE, { parseAs: 'string', bodyLimit: 8_192 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.get('/login', async (request, reply) => {
    if (authToken === '') return reply.redirect('/', 303);
    const failed = typeof request.query === 'object' && request.query !== null && 'failed' in request.query;
    return (
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        // No script, no framing (clickjacking the token field), and the form may only post here.
        .header('content-security-policy', LOGIN_CSP)
        .header('x-frame-options', 'DENY')
        .send(loginPage(failed))
    );
  });

  app.post('/api/login', async (request, reply) => {
    const fromForm = isForm(request);
    const parsed = loginBodySchema.safeParse(request.body);
    const token = parsed.success ? parsed.data.token : '';
    if (authToken === '' || !tokenMatches(token, authToken)) {
      if (fromForm) return reply.redirect('/login?failed=1', 303);
      throw new ApiFailure('unauthorized', 'wrong token');
    }
    setAuthCookie(reply, request, token, COOKIE_MAX_AGE_S);
    return fromForm ? reply.redirect('/', 303) : reply.code(204).send();
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

function loginPage(failed: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hopwatch — log in</title>
<style>
  body { font: 16px system-ui, sans-serif; background: #0f1115; color: #e6e6e6; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  form { display: grid; gap: 0.75rem; width: min(22rem, 90vw); }
  input, button { font: inherit; padding: 0.5rem 0.75rem; border-radius: 6px; border: 1px solid #3a3f4b; }
  input { background: #181b22; color: inherit; }
  button { background: #2f6feb; color: white; border: 0; cursor: pointer; }
  .error { color: #ff7b72; margin: 0; }
</style>
</head>
<body>
<form method="post" action="/api/login">
  <h1>hopwatch</h1>
  <label for="token">Access token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
  ${failed ? '<p class="error" role="alert">That token is not right.</p>' : ''}
  <button type="submit">Log in</button>
</form>
</body>
</html>
`;
}
