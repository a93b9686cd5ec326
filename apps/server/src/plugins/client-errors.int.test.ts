// One error format (issue 16.10): what the HTTP parser refuses and malformed WebSocket upgrades answer
// `{ error, message }` JSON like every route.
import { connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { type ListeningApp, listeningApp, parseResponse, rawRequest } from './test-support/raw-http.js';

let t: ListeningApp;
afterEach(async () => t.close());

function sendRaw(port: number, text: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
    });
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(received));
    socket.write(text);
    setTimeout(() => socket.end(), 2_000).unref();
  });
}

it('answers requests the HTTP parser refuses with JSON', async () => {
  t = await listeningApp();
  for (const request of [
    'GET /api/targets HTTP/1.1\r\nHost: localhost\r\nBad Header Line\r\n\r\n',
    'GARBAGE\r\n\r\n',
    `GET /api/targets HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  ]) {
    const response = parseResponse(await sendRaw(t.port, request))?.response;
    expect(response?.status, request.slice(0, 30)).toBeGreaterThanOrEqual(400);
    expect(response?.headers['content-type']).toContain('application/json');
    const body = JSON.parse(response?.body ?? '') as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['error', 'message']);
  }
});

it('answers an Upgrade: websocket without a valid key with 400 JSON on any route', async () => {
  t = await listeningApp();
  for (const path of ['/api/live', '/api/targets', '/', '/nope']) {
    for (const key of [undefined, 'short']) {
      const headers: Record<string, string> = {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
      };
      if (key) headers['sec-websocket-key'] = key;
      const response = await rawRequest(t.port, { path, headers });
      expect(response.status, path).toBe(400);
      expect(response.headers['content-type'], path).toContain('application/json');
      expect(JSON.parse(response.body)).toMatchObject({ error: 'bad_request' });
    }
  }
});

it('answers body parser errors with JSON: bad JSON, too large, wrong content type', async () => {
  t = await listeningApp();
  const post = (headers: Record<string, string>, body: string) =>
    rawRequest(t.port, { path: '/api/incidents', method: 'POST', headers, body });
  const cases = [
    [await post({ 'content-type': 'application/json' }, '{nope'), 400, 'bad_body'],
    [await post({ 'content-type': 'application/json' }, `"${'x'.repeat(70_000)}"`), 413, 'body_too_large'],
    [await post({ 'content-type': 'text/csv' }, 'a,b'), 415, 'unsupported_media_type'],
  ] as const;
  for (const [response, status, error] of cases) {
    expect(response.status).toBe(status);
    expect(JSON.parse(response.body)).toMatchObject({ error });
  }
});
