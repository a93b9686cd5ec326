// Real servers on loopback for the prober's integration tests: each one misbehaves in exactly one way.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';

export interface TestServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Tracks what a test opened so afterEach can close it all. */
export class ServerPool {
  readonly #servers: TestServer[] = [];
  add<T extends TestServer>(server: T): T {
    this.#servers.push(server);
    return server;
  }
  async closeAll(): Promise<void> {
    await Promise.all(this.#servers.splice(0).map((server) => server.close()));
  }
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Closes a server and every socket it holds, so no test leaves a handle open. */
function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function wsCloser(wss: WebSocketServer, server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  const closeServer = closer(server, sockets);
  return async () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    await closeServer();
  };
}

function trackSockets(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

export interface WsServer extends TestServer {
  wss: WebSocketServer;
  /** the upgrade requests received, newest last */
  requests: IncomingMessage[];
  connections: WebSocket[];
}

export interface WsServerOptions {
  /** called for every accepted WebSocket; the default echoes every message */
  onConnection?: (ws: WebSocket, request: IncomingMessage) => void;
  autoPong?: boolean;
  handleProtocols?: (protocols: Set<string>) => string | false;
}

/** A ws server; by default an echo server (pings are answered by ws itself). */
export async function wsServer(options: WsServerOptions = {}): Promise<WsServer> {
  const server = http.createServer();
  const sockets = trackSockets(server);
  const wss = new WebSocketServer({
    server,
    autoPong: options.autoPong ?? true,
    ...(options.handleProtocols ? { handleProtocols: options.handleProtocols } : {}),
  });
  const requests: IncomingMessage[] = [];
  const connections: WebSocket[] = [];
  wss.on('connection', (ws, request) => {
    requests.push(request);
    connections.push(ws);
    if (options.onConnection) options.onConnection(ws, request);
    else ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  const port = await listen(server);
  return {
    port,
    url: `ws://127.0.0.1:${port}/ws`,
    wss,
    requests,
    connections,
    close: wsCloser(wss, server, sockets),
  };
}

/** Answers every upgrade with an HTTP status instead of 101, like a proxy refusing it. */
export async function rejectingServer(status: number): Promise<TestServer> {
  const server = http.createServer((_req, res) => res.writeHead(status).end());
  const sockets = trackSockets(server);
  server.on('upgrade', (_req, socket: net.Socket) => {
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Refused'}\r\nContent-Length: 0\r\n\r\n`);
  });
  const port = await listen(server);
  return { port, url: `ws://127.0.0.1:${port}/ws`, close: closer(server, sockets) };
}

/** Accepts TCP and never says a word: a blackhole before the upgrade. */
export async function silentServer(): Promise<TestServer> {
  const server = net.createServer((socket) => socket.on('error', () => {}));
  const sockets = trackSockets(server);
  const port = await listen(server);
  return { port, url: `ws://127.0.0.1:${port}/ws`, close: closer(server, sockets) };
}

/**
 * A raw TCP server that completes the WebSocket handshake by hand, then hands the bare socket to the test:
 * reset it, end it without a close frame, write a close frame, or freeze.
 */
export async function rawWebSocketServer(onUpgraded: (socket: net.Socket) => void): Promise<TestServer> {
  const server = net.createServer((socket) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head.slice(0, end))?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      onUpgraded(socket);
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  });
  const sockets = trackSockets(server);
  const port = await listen(server);
  return { port, url: `ws://127.0.0.1:${port}/ws`, close: closer(server, sockets) };
}

/** An unmasked server close frame (RFC 6455 5.5.1). */
export function closeFrame(code: number, reason: string): Buffer {
  const payload = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason, 'utf8')]);
  if (payload.length > 125) throw new Error('close payload too long');
  return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Certificate {
  key: string;
  cert: string;
}

/** A self-signed certificate for localhost and 127.0.0.1, generated now with the openssl CLI. */
export function generateCertificate(): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-days',
        '1',
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface H2ServerOptions {
  certificate: Certificate;
  /** RFC 8441: advertise SETTINGS_ENABLE_CONNECT_PROTOCOL */
  extendedConnect: boolean;
  /** answer HTTP/1.1 upgrades with this status instead of 101 (seed 001 saw 400) */
  rejectUpgrade?: number;
  /** called for every accepted WebSocket; the default only echoes */
  onConnection?: (ws: WebSocket) => void;
}

/** A TLS server that prefers h2 in ALPN and still takes HTTP/1.1 WebSocket upgrades (or refuses them). */
export async function h2PreferringServer(options: H2ServerOptions): Promise<WsServer> {
  const server = http2.createSecureServer({
    key: options.certificate.key,
    cert: options.certificate.cert,
    allowHTTP1: true,
    settings: { enableConnectProtocol: options.extendedConnect },
  });
  const sockets = trackSockets(server as unknown as net.Server);
  const wss = new WebSocketServer({ noServer: true });
  const requests: IncomingMessage[] = [];
  const connections: WebSocket[] = [];
  server.on('request', (_req, res) => res.writeHead(404).end());
  server.on('upgrade', (request: IncomingMessage, socket: net.Socket, head: Buffer) => {
    requests.push(request);
    if (options.rejectUpgrade) {
      socket.end(`HTTP/1.1 ${options.rejectUpgrade} Bad Request\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      connections.push(ws);
      ws.on('message', (data) => ws.send(data));
      options.onConnection?.(ws);
    });
  });
  const tcp = server as unknown as net.Server;
  const port = await listen(tcp);
  return {
    port,
    url: `wss://127.0.0.1:${port}/ws`,
    wss,
    requests,
    connections,
    close: wsCloser(wss, tcp, sockets),
  };
}
