import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../routes/test-support/test-app.js';
import { readCookie, tokenMatches } from './auth.js';

const TOKEN = 's3cret-token;with=odd chars';

describe('tokenMatches', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    ['', 'abc', false],
  ])('%j vs %j → %s', (presented, expected, result) => {
    expect(tokenMatches(presented, expected)).toBe(result);
  });
});

describe('readCookie', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['a=1; hopwatch_token=xyz; b=2', 'xyz'],
    ['hopwatch_token="quoted"', 'quoted'],
    ['hopwatch_token=a%3Bb%3Dc', 'a;b=c'],
    ['hopwatch_token=%E0%A4%A', '%E0%A4%A'],
    ['xhopwatch_token=no', null],
    ['hopwatch_token', null],
  ])('%j → %j', (header, value) => {
    expect(readCookie(header, 'hopwatch_token')).toBe(value);
  });
});

describe('authToken', () => {
  let t: TestApp;
  afterEach(async () => t.close());

  async function withToken(token = TOKEN) {
    t = await buildTestApp({
      configure: (c) => {
        c.server.authToken = token;
      },
    });
    return t.app;
  }

  it.each(['/api/targets', '/api/events', '/api/nope', '/metrics', '/%61pi/targets', '/api/live'])(
    'refuses %s without a token with 401 unauthorized',
    async (url) => {
      const app = await withToken();
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: 'unauthorized' });
      expect(response.json().message).toContain('/login');
    },
  );

  it('refuses a wrong Bearer token and a wrong cookie', async () => {
    const app = await withToken();
    for (const headers of [
      { authorization: 'Bearer nope' },
      { authorization: `Basic ${TOKEN}` },
      { cookie: 'hopwatch_token=nope' },
    ]) {
      expect((await app.inject({ url: '/metrics', headers })).statusCode).toBe(401);
    }
  });

  it('accepts the Bearer header and the cookie', async () => {
    const app = await withToken('plain-token');
    expect(
      (await app.inject({ url: '/metrics', headers: { authorization: 'Bearer plain-token' } })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ url: '/metrics', headers: { cookie: 'x=1; hopwatch_token=plain-token' } }))
        .statusCode,
    ).toBe(200);
  });

  it('leaves /healthz and the login page open', async () => {
    const app = await withToken();
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const login = await app.inject({ url: '/login' });
    expect(login.statusCode).toBe(200);
    expect(login.headers['content-type']).toContain('text/html');
    expect(login.body).toContain('<form method="post" action="/api/login">');
    expect(login.body).not.toContain(TOKEN);
    expect(login.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(login.headers['x-frame-options']).toBe('DENY');
  });

  it('logs in from the HTML form: HttpOnly SameSite=Strict cookie that then opens the API', async () => {
    const app = await withToken();
    const response = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: TOKEN }).toString(),
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/^hopwatch_token=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    const cookie = setCookie.split(';')[0] ?? '';
    expect((await app.inject({ url: '/metrics', headers: { cookie } })).statusCode).toBe(200);
  });

  it('sends a wrong form token back to the login page, and a wrong JSON token gets 401', async () => {
    const app = await withToken();
    const form = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'token=wrong',
    });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe('/login?failed=1');
    expect(form.headers['set-cookie']).toBeUndefined();
    expect((await app.inject({ url: '/login?failed=1' })).body).toContain('That token is not right.');
    const json = await app.inject({ method: 'POST', url: '/api/login', payload: { token: 'wrong' } });
    expect(json.statusCode).toBe(401);
    expect(json.json()).toEqual({ error: 'unauthorized', message: 'wrong token' });
  });

  it('returns to the page asked for: /login?next=/wall → the form keeps it → /wall, through a wrong token too', async () => {
    const app = await withToken();
    const page = await app.inject({ url: '/login?next=%2Fwall' });
    expect(page.body).toContain('<input type="hidden" name="next" value="/wall">');
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: 'wrong', next: '/wall' }).toString(),
    });
    expect(wrong.headers.location).toBe('/login?failed=1&next=%2Fwall');
    const right = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: TOKEN, next: '/wall' }).toString(),
    });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/wall');
    const offsite = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: TOKEN, next: '//evil.example/' }).toString(),
    });
    expect(offsite.headers.location).toBe('/');
  });

  it('logs in with JSON (204) and logs out by expiring the cookie', async () => {
    const app = await withToken();
    const login = await app.inject({ method: 'POST', url: '/api/login', payload: { token: TOKEN } });
    expect(login.statusCode).toBe(204);
    const logout = await app.inject({ method: 'POST', url: '/api/logout' });
    expect(logout.statusCode).toBe(204);
    expect(String(logout.headers['set-cookie'])).toContain('Max-Age=0');
  });

  it('without a configured token, the API is open and /login goes home', async () => {
    t = await buildTestApp();
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(200);
    const login = await t.app.inject({ url: '/login' });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/');
    const post = await t.app.inject({ method: 'POST', url: '/api/login', payload: { token: '' } });
    expect(post.statusCode).toBe(401);
  });
});
