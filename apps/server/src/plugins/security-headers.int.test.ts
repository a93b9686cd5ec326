// Security headers (issue 16.7) on every kind of response: the dashboard page, its assets, API JSON, API
// errors, 404s, the login page, metrics and health.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../routes/test-support/test-app.js';

let t: TestApp;
let webRoot: string;

beforeAll(async () => {
  webRoot = mkdtempSync(join(tmpdir(), 'hopwatch-web-'));
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(
    join(webRoot, 'index.html'),
    '<!doctype html><script type="module" src="/assets/app.js"></script>',
  );
  writeFileSync(join(webRoot, 'assets', 'app.js'), 'console.log(1);');
  t = await buildTestApp({
    app: { webRoot },
    configure: (c) => {
      c.server.authToken = 'tok';
    },
  });
});

afterAll(async () => {
  await t.close();
  rmSync(webRoot, { recursive: true, force: true });
});

it.each([
  ['the dashboard page', '/'],
  ['a client-side route', '/targets/t3'],
  ['an asset', '/assets/app.js'],
  ['API JSON', '/api/targets'],
  ['an API error (401)', '/api/events?since=x'],
  ['an unknown API route (404)', '/api/nope'],
  ['the login page', '/login'],
  ['metrics', '/metrics'],
  ['health', '/healthz'],
  ['a malformed URL, refused before routing (400)', '/api/%zz'],
  ['an over-long path parameter, refused before routing (414)', `/api/incidents/${'x'.repeat(300)}`],
])('%s (%s) carries CSP, nosniff, DENY framing and no-referrer', async (_kind, url) => {
  const response = await t.app.inject({
    url,
    headers: url.startsWith('/api') || url === '/metrics' ? { authorization: 'Bearer tok' } : {},
  });
  const csp = String(response.headers['content-security-policy']);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/default-src 'none'|default-src 'self'/);
  expect(csp).not.toContain("script-src 'unsafe-inline'");
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['x-frame-options']).toBe('DENY');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
});
