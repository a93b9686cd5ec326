// The lab's app: a small WebSocket service that behaves like a real one. It answers pings (ws does that),
// answers `{"type":"ping",...}` messages with a pong carrying the same fields (so message heartbeats with
// `expect: '"seq":{{seq}}'` match), echoes anything else, and pushes a state update every few seconds.
import { createServer, type Server } from 'node:http';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { boundPort, listen } from './listen.js';

export const DEFAULT_STATE_EVERY_MS = 3_000;
/** A client that stops reading is not sent more state than this: the app's memory stays bounded. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface EchoAppOptions {
  host?: string;
  /** 0 (the default) lets the OS choose a free port */
  port?: number;
  stateEveryMs?: number;
  now?: () => number;
}

export class EchoApp {
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #now: () => number;
  readonly #stateTimer: NodeJS.Timeout;
  #tick = 0;

  static async start(options: EchoAppOptions = {}): Promise<EchoApp> {
    const app = new EchoApp(options);
    await listen(app.#http, options.port, options.host);
    return app;
  }

  private constructor(options: EchoAppOptions) {
    this.#now = options.now ?? Date.now;
    this.#http = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('hopwatch lab app: connect with a WebSocket\n');
    });
    this.#wss = new WebSocketServer({ server: this.#http });
    this.#wss.on('connection', (socket) => {
      socket.on('message', (data, isBinary) => this.#answer(socket, data, isBinary));
      // A client vanishing is ordinary here; the lab's hops cut sessions on purpose.
      socket.on('error', () => socket.terminate());
    });
    this.#stateTimer = setInterval(() => this.#pushState(), options.stateEveryMs ?? DEFAULT_STATE_EVERY_MS);
    this.#stateTimer.unref();
  }

  get port(): number {
    return boundPort(this.#http);
  }

  get clientCount(): number {
    return this.#wss.clients.size;
  }

  async close(): Promise<void> {
    clearInterval(this.#stateTimer);
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #answer(socket: WebSocket, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      socket.send(data, { binary: true });
      return;
    }
    const text = data.toString();
    const ping = parsePing(text);
    socket.send(ping ? JSON.stringify({ ...ping, type: 'pong', serverTs: this.#now() }) : text);
  }

  #pushState(): void {
    this.#tick += 1;
    const state = JSON.stringify({
      type: 'state',
      tick: this.#tick,
      clients: this.#wss.clients.size,
      ts: this.#now(),
    });
    for (const client of this.#wss.clients) {
      if (client.readyState === WebSocket.OPEN && client.bufferedAmount < MAX_BUFFERED_BYTES)
        client.send(state);
    }
  }
}

function parsePing(text: string): Record<string, unknown> | null {
  if (!text.startsWith('{')) return null;
  try {
    const message: unknown = JSON.parse(text);
    if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ping') {
      return message as Record<string, unknown>;
    }
  } catch {
    // Not JSON: echoed as it came.
  }
  return null;
}
