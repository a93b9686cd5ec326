import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseServerMessage } from '@hopwatch/shared/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LIVE_MAX_READ_BYTES } from './live.js';
import { type ApiFixture, rttSeries, startApiFixture, T0 } from './test-support/api-fixture.js';
import { connectLive, type LiveTestClient, until } from './test-support/live-client.js';
import type { TestAppOptions } from './test-support/test-app.js';

describe('WS /api/live', () => {
  let f: ApiFixture;
  let base = '';
  const clients: LiveTestClient[] = [];

  async function start(options: TestAppOptions = {}) {
    f = await startApiFixture(options);
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    base = `127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
  }

  async function connect(path = '/api/live', options: WebSocket.ClientOptions = {}) {
    const client = await connectLive(`ws://${base}${path}`, options);
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await f.close();
  });

  it('greets with hello, replays after since and streams live events (in-process, injectWS)', async () => {
    f = await startApiFixture();
    const before = f.runtime.bus.lastSeq();
    // Recent: rtt events older than an hour may be pruned from the event log at any moment (store/retention.ts).
    f.publish(rttSeries('edge', 'syn', Date.now() - 60_000, 3));
    const frames: string[] = [];
    const ws = await f.app.injectWS(
      `/api/live?since=${before + 1}`,
      {},
      { onInit: (socket) => socket.on('message', (data) => frames.push(String(data))) },
    );
    await until(() => frames.length >= 3, 'hello and the replay');
    const [hello, ...replayed] = frames.map((text) => parseServerMessage(text));
    expect(hello).toMatchObject({ ok: true, value: { type: 'hello', v: 1 } });
    const seqs = replayed.flatMap((m) => (m.ok && m.value.type === 'event' ? [m.value.seq] : []));
    expect(seqs.slice(0, 2)).toEqual([before + 2, before + 3]);
    const live = f.runtime.bus.publish(rttSeries('lb', 'syn', T0, 1)[0]!);
    await until(() => frames.some((text) => text.includes(`"seq":${live.seq},`)), 'the live event');
    ws.terminate();
  });

  it('answers the browser ping with a pong carrying the same t', async () => {
    await start();
    const client = await connect();
    client.socket.send(JSON.stringify({ type: 'ping', t: 1234.5 }));
    await until(() => client.messages.some((m) => m.type === 'pong'), 'the pong');
    expect(client.messages.find((m) => m.type === 'pong')).toEqual({ type: 'pong', t: 1234.5 });
  });

  it('accepts its own origin and allowedOrigins, and refuses others with 403 before the upgrade', async () => {
    await start({ configure: (c) => void c.server.allowedOrigins.push('https://noc.example.com') });
    await connect('/api/live', { origin: `http://${base}` });
    await connect('/api/live', { origin: 'https://noc.example.com' });
    await expect(connect('/api/live', { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect('/api/live', { origin: 'null' })).rejects.toThrow('HTTP 403');
    const refused = await f.app.inject({ url: '/api/live', headers: { origin: 'https://evil.example' } });
    expect(refused.json()).toEqual({
      error: 'origin_forbidden',
      message: 'Origin https://evil.example is not allowed',
    });
  });

  it('refuses a malformed since with 400 before the upgrade', async () => {
    await start();
    for (const since of ['-1', 'abc', '1.5', '99999999999999999999']) {
      await expect(connect(`/api/live?since=${since}`)).rejects.toThrow('HTTP 400');
    }
  });

  it('answers a plain GET with 426 upgrade_required', async () => {
    f = await startApiFixture();
    const response = await f.app.inject({ url: '/api/live' });
    expect(response.statusCode).toBe(426);
    expect(response.json()).toMatchObject({ error: 'upgrade_required' });
  });

  it('with authToken, needs the Bearer header or the login cookie', async () => {
    await start({
      configure: (c) => {
        c.server.authToken = 'tok3n';
      },
    });
    await expect(connect()).rejects.toThrow('HTTP 401');
    await expect(connect('/api/live', { headers: { cookie: 'hopwatch_token=wrong' } })).rejects.toThrow(
      'HTTP 401',
    );
    await connect('/api/live', { headers: { authorization: 'Bearer tok3n' } });
    await connect('/api/live', { headers: { cookie: 'hopwatch_token=tok3n' } });
  });

  it('closes a 1 MiB message with 1009, a binary one with 1003, and stays healthy', async () => {
    await start();
    const big = await connect();
    big.socket.send('x'.repeat(1024 * 1024));
    // Read to its end and refused by the route (its reason), not cut at the frame header by ws: a browser
    // still sending when the close frame arrives reports 1006 instead.
    expect(await big.closed).toEqual({ code: 1009, reason: 'message too big' });
    const huge = await connect();
    huge.socket.send('x'.repeat(LIVE_MAX_READ_BYTES + 1));
    expect((await huge.closed).code).toBe(1009);
    const binary = await connect();
    binary.socket.send(Buffer.from([1, 2, 3]));
    expect((await binary.closed).code).toBe(1003);
    const fragmented = await connect();
    for (let i = 0; i < 4; i += 1) fragmented.socket.send('y'.repeat(2_000), { fin: i === 3 });
    expect((await fragmented.closed).code).toBe(1009);
    expect((await f.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const after = await connect();
    after.socket.send(JSON.stringify({ type: 'ping', t: 1 }));
    await until(() => after.messages.some((m) => m.type === 'pong'), 'a pong after the abuse');
  });

  it('survives thousands of hostile messages: ignores garbage, answers every valid ping, never crashes', async () => {
    await start();
    const client = await connect();
    let pings = 0;
    for (let i = 0; i < 3_000; i += 1) {
      const message = hostileMessage(i);
      if (message === null) {
        pings += 1;
        client.socket.send(JSON.stringify({ type: 'ping', t: i }));
      } else {
        client.socket.send(message);
      }
      if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => client.messages.filter((m) => m.type === 'pong').length === pings, `${pings} pongs`);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    const pongs = client.messages.flatMap((m) => (m.type === 'pong' ? [m.t] : []));
    expect(pongs).toEqual(pongs.filter((t) => hostileMessage(t) === null));
    expect((await f.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('closes invalid UTF-8 with 1007 and the server keeps serving others', async () => {
    await start();
    const bystander = await connect();
    for (let i = 0; i < 50; i += 1) {
      const client = await connect();
      const bytes = Buffer.concat([
        Buffer.from('{"type":"ping","t":'),
        Buffer.from([0xff, 0xfe]),
        randomBytes(i),
      ]);
      // ws refuses to send invalid UTF-8 as text, so frame it by hand on the raw socket.
      const raw = (client.socket as unknown as { _socket: import('node:net').Socket })._socket;
      raw.write(Buffer.concat([Buffer.from([0x81, 0x80 | bytes.length, 0, 0, 0, 0]), bytes]));
      expect((await client.closed).code).toBe(1007);
    }
    bystander.socket.send(JSON.stringify({ type: 'ping', t: 7 }));
    await until(() => bystander.messages.some((m) => m.type === 'pong'), 'the bystander pong');
  });
});

/** Deterministic garbage for message i, or null where a valid ping goes (every 10th). */
function hostileMessage(i: number): string | null {
  if (i % 10 === 0) return null;
  const variants: (() => string)[] = [
    () => '',
    () => 'not json',
    () => '{',
    () => 'null',
    () => '[]',
    () => '"ping"',
    () => String(i),
    () => JSON.stringify({ type: 'ping' }),
    () => JSON.stringify({ type: 'ping', t: 'x' }),
    () => JSON.stringify({ type: 'ping', t: null }),
    () => '{"type":"ping","t":1e999}',
    () => JSON.stringify({ type: 'PING', t: 1 }),
    () => JSON.stringify({ type: 'subscribe', targets: ['*'] }),
    () => JSON.stringify({ __proto__: { polluted: true }, type: 'ping', t: 'no' }),
    () => '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
    () => JSON.stringify({ type: 'ping', t: { valueOf: 1 } }),
    () => '{"type":"ping","t":1,"type":"pong"}',
    () => 'x'.repeat(4_000),
    () => JSON.stringify({ deep: JSON.parse('['.repeat(500) + ']'.repeat(500)) }),
    () => '\u0000\u0001\u{1F600}\uFFFD',
    () => randomBytes(64).toString('base64'),
  ];
  return variants[i % variants.length]?.() ?? '';
}
