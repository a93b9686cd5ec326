// Token guessing (issue 16.3, 16.4): failed authentication is limited per client on every route, the limit
// keys on the real client behind a trusted proxy, and the session cookie is Secure behind TLS.
import { afterEach, describe, expect, it } from 'vitest';
import type { HopwatchConfig } from '../config/types.js';
import { buildTestApp, type TestApp } from '../routes/test-support/test-app.js';
import { type ListeningApp, listeningApp, rawRequest } from './test-support/raw-http.js';

const TOKEN = 'right-token';
const withToken =
  (trustProxy = false) =>
  (c: HopwatchConfig) => {
    c.server.authToken = TOKEN;
    c.server.trustProxy = trustProxy;
  };

describe('failed authentication limit', () => {
  let t: ListeningApp | TestApp;
  afterEach(async () => t.close());

  it('after 10 wrong Bearer tokens on GET, answers 429 with Retry-After, even to the right token', async () => {
    const app = await listeningApp({ configure: withToken() });
    t = app;
    const get = (token: string, path = '/api/targets') =>
      rawRequest(app.port, { path, headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 10; i += 1) expect((await get(`guess-${i}`)).status).toBe(401);
    const limited = await get('guess-10', '/metrics');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body)).toMatchObject({ error: 'rate_limited' });
    expect((await get(TOKEN)).status).toBe(429);
    const login = await rawRequest(app.port, {
      path: '/api/login',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(login.status).toBe(429);
  });

  it('counts wrong logins and wrong cookies too, but not requests that carry no credentials', async () => {
    t = await buildTestApp({ configure: withToken() });
    for (let i = 0; i < 20; i += 1)
      expect((await t.app.inject({ url: '/api/targets' })).statusCode).toBe(401);
    expect(
      (await t.app.inject({ url: '/api/targets', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode,
    ).toBe(200);
    for (let i = 0; i < 5; i += 1) {
      await t.app.inject({ method: 'POST', url: '/api/login', payload: { token: `guess-${i}` } });
      await t.app.inject({ url: '/api/events', headers: { cookie: `hopwatch_token=guess-${i}` } });
    }
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/login', payload: { token: TOKEN } })).statusCode,
    ).toBe(429);
  });

  it('keys on X-Forwarded-For only with server.trustProxy', async () => {
    for (const trustProxy of [false, true]) {
      t = await buildTestApp({ configure: withToken(trustProxy) });
      const from = (ip: string, token: string) =>
        t.app.inject({
          url: '/api/targets',
          headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': ip },
        });
      for (let i = 0; i < 11; i += 1) await from('203.0.113.7', 'guess');
      expect((await from('203.0.113.7', TOKEN)).statusCode).toBe(429);
      // Another client behind the same proxy is someone else only when the proxy is trusted.
      expect((await from('198.51.100.9', TOKEN)).statusCode).toBe(trustProxy ? 200 : 429);
      await t.close();
    }
    t = await buildTestApp();
  });
});

describe('the session cookie', () => {
  let t: TestApp;
  afterEach(async () => t.close());

  const login = (headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/login', payload: { token: TOKEN }, headers });

  it('is a signed session, HttpOnly, SameSite=Strict, for 7 days, not the token', async () => {
    t = await buildTestApp({ configure: withToken() });
    const cookie = String((await login()).headers['set-cookie']);
    expect(cookie).toMatch(/^hopwatch_token=v1\.[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=604800$/);
    expect(cookie).not.toContain(TOKEN);
  });

  it('is Secure when X-Forwarded-Proto says https, only behind a trusted proxy', async () => {
    t = await buildTestApp({ configure: withToken(true) });
    expect(String((await login({ 'x-forwarded-proto': 'https' })).headers['set-cookie'])).toContain(
      '; Secure',
    );
    expect(String((await login()).headers['set-cookie'])).not.toContain('Secure');
    await t.close();
    t = await buildTestApp({ configure: withToken(false) });
    expect(String((await login({ 'x-forwarded-proto': 'https' })).headers['set-cookie'])).not.toContain(
      'Secure',
    );
  });
});
