// The proxy alone, seen by raw ws clients: bytes pass through, and each fault does to a real client what the
// lab promises.
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EchoApp } from './echo-app.js';
import { HEALTHY, type HopConditions, HopProxy } from './hop-proxy.js';

let app: EchoApp;
const proxies: HopProxy[] = [];
const clients: WebSocket[] = [];
const rawSockets: net.Socket[] = [];

beforeEach(async () => {
  app = await EchoApp.start({ stateEveryMs: 60_000 });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  for (const socket of rawSockets.splice(0)) socket.destroy();
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await app.close();
});

async function proxyTo(port: number, name = 'lb'): Promise<HopProxy> {
  const proxy = await HopProxy.start({ name, upstreamPort: port });
  proxies.push(proxy);
  return proxy;
}

function client(port: number): WebSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  ws.on('error', () => {});
  clients.push(ws);
  return ws;
}

async function openClient(port: number): Promise<WebSocket> {
  const ws = client(port);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

function faulty(conditions: Partial<HopConditions>): HopConditions {
  return { ...HEALTHY, ...conditions };
}

/** The next message, or null if none came within `ms`. */
function nextMessage(ws: WebSocket, ms = 5_000): Promise<string | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      resolve(null);
    }, ms);
    function onMessage(data: Buffer) {
      clearTimeout(timer);
      resolve(data.toString());
    }
    ws.once('message', onMessage);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string; at: number }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })),
  );
}

function failed(ws: WebSocket): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve) => ws.once('error', resolve));
}

async function ping(ws: WebSocket, seq: number, ms?: number): Promise<string | null> {
  const reply = nextMessage(ws, ms);
  ws.send(JSON.stringify({ type: 'ping', seq }));
  return reply;
}

/**
 * A raw TCP client that sends an upgrade request, so a test can see the TCP-level truth (a reset is an
 * ECONNRESET here; ws itself reports every socket error as a plain 1006 close).
 */
function rawUpgrade(port: number) {
  const socket = net.connect({ host: '127.0.0.1', port });
  rawSockets.push(socket);
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString('latin1');
  });
  const error = new Promise<NodeJS.ErrnoException>((resolve) => socket.on('error', resolve));
  socket.once('connect', () =>
    socket.write(
      'GET /ws HTTP/1.1\r\nHost: lab\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    ),
  );
  return {
    socket,
    error,
    received: () => received,
    /** resolves once the 101 came back */
    upgraded: () => expect.poll(() => received, { timeout: 5_000 }).toContain('101 Switching Protocols'),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What `promise` settled to within `ms`, or 'pending'. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, sleep(ms).then(() => 'pending' as const)]);
}

describe('HopProxy', () => {
  it('relays a WebSocket both ways, large messages intact', async () => {
    const proxy = await proxyTo(app.port);
    const ws = await openClient(proxy.port);
    expect(await ping(ws, 7)).toContain('"seq":7');
    const big = 'x'.repeat(3 * 1024 * 1024);
    const echoed = nextMessage(ws, 20_000);
    ws.send(big);
    expect(await echoed).toBe(big);
    expect(proxy.relayCount).toBe(1);
  });

  it('relays through a chain of hops', async () => {
    const lb = await proxyTo(app.port, 'lb');
    const edge = await proxyTo(lb.port, 'edge');
    const ws = await openClient(edge.port);
    expect(await ping(ws, 1)).toContain('"seq":1');
  });

  it('stall: forwards nothing while the socket stays open, then delivers what was held', async () => {
    const proxy = await proxyTo(app.port);
    const ws = await openClient(proxy.port);
    proxy.setConditions(faulty({ stall: true }));
    const reply = nextMessage(ws, 10_000);
    ws.send(JSON.stringify({ type: 'ping', seq: 2 }));
    expect(await within(reply, 600)).toBe('pending');
    expect(ws.readyState).toBe(WebSocket.OPEN);
    proxy.setConditions(HEALTHY);
    expect(await reply).toContain('"seq":2');
  });

  it('stall: a new connection gets no upgrade answer until the stall ends', async () => {
    const proxy = await proxyTo(app.port);
    proxy.setConditions(faulty({ stall: true }));
    const ws = client(proxy.port);
    const opened = new Promise<string>((resolve) => ws.once('open', () => resolve('open')));
    expect(await within(opened, 600)).toBe('pending');
    proxy.setConditions(HEALTHY);
    expect(await opened).toBe('open');
  });

  it('blackhole: a new connection is accepted and never answered', async () => {
    const proxy = await proxyTo(app.port);
    proxy.setConditions(faulty({ blackhole: true }));
    const raw = rawUpgrade(proxy.port);
    await sleep(600);
    expect(raw.received()).toBe('');
    expect(raw.socket.destroyed).toBe(false);
  });

  it('blackhole: an open session hears nothing more, even after the fault ends', async () => {
    const proxy = await proxyTo(app.port);
    const ws = await openClient(proxy.port);
    proxy.setConditions(faulty({ blackhole: true }));
    expect(await ping(ws, 3, 600)).toBeNull();
    proxy.setConditions(HEALTHY);
    expect(await ping(ws, 4, 600)).toBeNull();
    expect(ws.readyState).toBe(WebSocket.OPEN);
    // New connections are healthy again.
    const fresh = await openClient(proxy.port);
    expect(await ping(fresh, 5)).toContain('"seq":5');
    // The blackholed session is let go once its client gives up: no half-open sockets pile up.
    ws.terminate();
    await expect.poll(() => proxy.relayCount, { timeout: 5_000 }).toBe(1);
    await expect.poll(() => app.clientCount, { timeout: 5_000 }).toBe(1);
  });

  it('reset: open sessions and new connections get ECONNRESET', async () => {
    const proxy = await proxyTo(app.port);
    const open = rawUpgrade(proxy.port);
    await open.upgraded();
    proxy.setConditions(faulty({ reset: true }));
    expect((await open.error).code).toBe('ECONNRESET');
    const fresh = client(proxy.port);
    expect((await failed(fresh)).code).toBe('ECONNRESET');
    expect(proxy.relayCount).toBe(0);
  });

  it('reset: is relayed as a reset by the hop in front', async () => {
    const lb = await proxyTo(app.port, 'lb');
    const edge = await proxyTo(lb.port, 'edge');
    const open = rawUpgrade(edge.port);
    await open.upgraded();
    lb.setConditions(faulty({ reset: true }));
    expect((await open.error).code).toBe('ECONNRESET');
  });

  it('close: open sessions get a close frame with the code; new ones are closed right after the upgrade', async () => {
    const proxy = await proxyTo(app.port);
    const ws = await openClient(proxy.port);
    const closing = closed(ws);
    proxy.setConditions(faulty({ closeCode: 4001 }));
    const { code, reason } = await closing;
    expect(code).toBe(4001);
    expect(reason).toContain('lb');
    const fresh = client(proxy.port);
    const opened = new Promise<boolean>((resolve) => fresh.once('open', () => resolve(true)));
    expect((await closed(fresh)).code).toBe(4001);
    expect(await opened).toBe(true);
  });

  it('close: waits for a frame boundary, so a large message in flight arrives whole', async () => {
    const proxy = await proxyTo(app.port);
    const ws = await openClient(proxy.port);
    const big = 'y'.repeat(4 * 1024 * 1024);
    const messages: string[] = [];
    ws.on('message', (data) => messages.push(data.toString()));
    const closing = closed(ws);
    ws.send(big);
    // Strike while the echo is (probably) mid-flight; wherever it lands, framing must stay intact.
    setTimeout(() => proxy.setConditions(faulty({ closeCode: 1012 })), 5);
    expect((await closing).code).toBe(1012);
    for (const message of messages) expect(message).toBe(big);
  });

  it('close: the far side is closed too, so the app does not keep the session', async () => {
    const proxy = await proxyTo(app.port);
    const ws = await openClient(proxy.port);
    expect(app.clientCount).toBe(1);
    const closing = closed(ws);
    proxy.setConditions(faulty({ closeCode: 1012 }));
    await closing;
    await expect.poll(() => app.clientCount, { timeout: 5_000 }).toBe(0);
  });

  it('reject: new upgrades get the status; open sessions are cut without a close frame', async () => {
    const proxy = await proxyTo(app.port);
    const ws = await openClient(proxy.port);
    const closing = closed(ws);
    proxy.setConditions(faulty({ rejectStatus: 503 }));
    expect((await closing).code).toBe(1006);
    const fresh = client(proxy.port);
    const status = await new Promise<number | undefined>((resolve) =>
      fresh.once('unexpected-response', (_request, response) => resolve(response.statusCode)),
    );
    expect(status).toBe(503);
  });

  it('reject: the status reaches the client through the hop in front', async () => {
    const lb = await proxyTo(app.port, 'lb');
    const edge = await proxyTo(lb.port, 'edge');
    lb.setConditions(faulty({ rejectStatus: 502 }));
    const raw = rawUpgrade(edge.port);
    await expect.poll(raw.received, { timeout: 5_000 }).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
  });

  it('cap: cuts each session when it reaches the age, with no close frame', async () => {
    const proxy = await proxyTo(app.port);
    proxy.setConditions(faulty({ capAgeMs: 400 }));
    const openedAt = Date.now();
    const ws = await openClient(proxy.port);
    expect(await ping(ws, 9)).toContain('"seq":9');
    const { code, at } = await closed(ws);
    expect(code).toBe(1006);
    expect(at - openedAt).toBeGreaterThanOrEqual(400);
  });

  it('cap: sessions already older than the age are cut at once', async () => {
    const proxy = await proxyTo(app.port);
    const ws = await openClient(proxy.port);
    await sleep(300);
    const closing = closed(ws);
    proxy.setConditions(faulty({ capAgeMs: 100 }));
    expect((await closing).code).toBe(1006);
  });

  it('cap: a FIN is relayed as a FIN by the hop in front', async () => {
    const lb = await proxyTo(app.port, 'lb');
    const edge = await proxyTo(lb.port, 'edge');
    lb.setConditions(faulty({ capAgeMs: 300 }));
    const ws = await openClient(edge.port);
    expect((await closed(ws)).code).toBe(1006);
  });

  it('idle: traffic either way keeps a session; once nothing crosses for idleMs it is cut, no close frame', async () => {
    const proxy = await proxyTo(app.port);
    proxy.setConditions(faulty({ idleMs: 1_500 }));
    const ws = await openClient(proxy.port);
    const closing = closed(ws);
    let lastSentAt = 0;
    for (let seq = 0; seq < 20; seq += 1) {
      await sleep(100); // the traffic pattern under test: a ping every 100 ms
      lastSentAt = Date.now();
      expect(await ping(ws, seq)).toContain(`"seq":${seq}`);
    }
    // 2 s of pings, longer than idleMs: the traffic kept it open. Now nothing crosses. The last traffic (its
    // echo) crossed no earlier than the last ping left, however late the test resumed after it.
    expect(ws.readyState).toBe(WebSocket.OPEN);
    const { code, at } = await closing;
    expect(code).toBe(1006);
    expect(at - lastSentAt).toBeGreaterThanOrEqual(1_400);
  });

  it('closes with sessions open and leaves nothing behind', async () => {
    const proxy = await proxyTo(app.port);
    const ws = await openClient(proxy.port);
    const closing = closed(ws);
    await proxy.close();
    proxies.splice(proxies.indexOf(proxy), 1);
    await closing;
    expect(proxy.relayCount).toBe(0);
  });
});
