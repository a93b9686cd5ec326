// DNS rebinding (issue 16.2): only the server's own names are served, on every route and the /api/live upgrade.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostPolicy } from './host-check.js';
import { type ListeningApp, listeningApp, rawRequest } from './test-support/raw-http.js';

const UPGRADE = () => ({
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-key': randomBytes(16).toString('base64'),
  'sec-websocket-version': '13',
});

describe('createHostPolicy', () => {
  const policy = createHostPolicy('127.0.0.1', ['hopwatch.example.com', 'wall.example.com:8443']);
  it.each([
    ['127.0.0.1:8080', true],
    ['localhost:8080', true],
    ['LOCALHOST:8080', true],
    ['[::1]:8080', true],
    ['localhost:9090', true],
    ['localhost', true],
    ['rebind.evil.example:8080', false],
    ['127.0.0.1.evil.example:8080', false],
    ['hopwatch.example.com', true],
    ['hopwatch.example.com:443', true],
    ['hopwatch.example.com.:443', true],
    ['wall.example.com:8443', true],
    ['wall.example.com', false],
    ['', false],
    ['a b', false],
  ])('Host %j → %s', (host, allowed) => {
    expect(policy.allows(host)).toBe(allowed);
  });

  it('a wildcard bind serves the machine’s own addresses; * serves any Host', () => {
    expect(createHostPolicy('0.0.0.0', []).allows('127.0.0.1:80')).toBe(true);
    expect(createHostPolicy('127.0.0.1', ['*']).allows('rebind.evil.example')).toBe(true);
  });
});

describe('Host check over a real socket', () => {
  let t: ListeningApp;
  afterEach(async () => t.close());

  it('answers another Host 421 on every route, the /api/live upgrade included', async () => {
    t = await listeningApp();
    const evil = { host: `rebind.evil.example:${t.port}` };
    for (const path of ['/api/targets', '/healthz', '/metrics', '/login', '/', '/api/nope']) {
      const response = await rawRequest(t.port, { path, headers: evil });
      expect(response.status, path).toBe(421);
      expect(JSON.parse(response.body)).toMatchObject({ error: 'host_not_allowed' });
    }
    const write = await rawRequest(t.port, {
      path: '/api/incidents',
      method: 'POST',
      headers: { ...evil, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(write.status).toBe(421);
    const upgrade = await rawRequest(t.port, { path: '/api/live', headers: { ...evil, ...UPGRADE() } });
    expect(upgrade.status).toBe(421);
    const own = await rawRequest(t.port, { path: '/api/targets', headers: { host: `localhost:${t.port}` } });
    expect(own.status).toBe(200);
    const live = await rawRequest(t.port, {
      path: '/api/live',
      headers: { host: `127.0.0.1:${t.port}`, ...UPGRADE() },
    });
    expect(live.status).toBe(101);
  });

  it('serves server.allowedHosts too', async () => {
    t = await listeningApp({
      configure: (c) => {
        c.server.allowedHosts = ['hopwatch.example.com'];
      },
    });
    const response = await rawRequest(t.port, {
      path: '/api/targets',
      headers: { host: 'hopwatch.example.com' },
    });
    expect(response.status).toBe(200);
  });

  it('checks /api/live Origins against the allowed hosts, not the request Host', async () => {
    t = await listeningApp();
    const host = `localhost:${t.port}`;
    const foreign = await rawRequest(t.port, {
      path: '/api/live',
      headers: { host, origin: `http://rebind.evil.example:${t.port}`, ...UPGRADE() },
    });
    expect(foreign.status).toBe(403);
    const otherLocalApp = await rawRequest(t.port, {
      path: '/api/live',
      headers: { host, origin: `http://localhost:${t.port + 1}`, ...UPGRADE() },
    });
    expect(otherLocalApp.status).toBe(403);
    const own = await rawRequest(t.port, {
      path: '/api/live',
      headers: { host, origin: `http://127.0.0.1:${t.port}`, ...UPGRADE() },
    });
    expect(own.status).toBe(101);
  });
});
