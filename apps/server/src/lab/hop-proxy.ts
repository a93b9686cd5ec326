// One lab hop: a real TCP proxy on loopback (bytes in, bytes out) that can be told to misbehave the ways real
// hops do. It knows just enough WebSocket framing (ws-frames.ts) to put a close frame between two frames.
import { STATUS_CODES } from 'node:http';
import net, { type Server, type Socket } from 'node:net';
import { boundPort, LOOPBACK, listen } from './listen.js';
import { closeFrame, WsStreamCursor } from './ws-frames.js';

/**
 * What a hop does to the connections crossing it. faults.ts derives this from the active faults; the proxy
 * only knows how to behave, not why.
 */
export interface HopConditions {
  /** stop forwarding both ways; sockets stay open and back-pressure builds, as behind a stalled app (seed 000) */
  stall: boolean;
  /** accept, forward nothing, answer nothing: bytes are read and discarded */
  blackhole: boolean;
  /** RST every connection, current and new */
  reset: boolean;
  /** close every WebSocket at its next frame boundary with this code, current ones and new ones after their 101 */
  closeCode: number | null;
  /** cut every connection when it reaches this age */
  capAgeMs: number | null;
  /**
   * cut a connection after this long with no byte either way, as an idle timeout does (nginx
   * proxy_read_timeout, HAProxy timeout tunnel); no fault kind sets it: the signature corpus recorder does
   */
  idleMs?: number | null;
  /** answer every new upgrade with this HTTP status; open connections are cut, as when a hop loses its upstream */
  rejectStatus: number | null;
}

export const HEALTHY: HopConditions = Object.freeze({
  stall: false,
  blackhole: false,
  reset: false,
  closeCode: null,
  capAgeMs: null,
  rejectStatus: null,
});

/** After a hop ends a connection, how long the peers get to finish their side before the sockets are destroyed. */
const LINGER_MS = 2_000;
/** How long a rejected client may take to send its request head before the hop hangs up on it. */
const REJECT_READ_MS = 5_000;

export interface HopProxyOptions {
  /** the hop's name, used in close reasons and reject bodies */
  name: string;
  upstreamPort: number;
  upstreamHost?: string;
  /** loopback only by default: the lab must never be reachable from the network */
  host?: string;
  /** 0 (the default) lets the OS choose a free port */
  port?: number;
  now?: () => number;
}

export class HopProxy {
  readonly name: string;
  readonly upstreamPort: number;
  readonly #upstreamHost: string;
  readonly #server: Server;
  readonly #now: () => number;
  readonly #relays = new Set<Relay>();
  /** sockets the hop holds without relaying them: blackholed on arrival, or being rejected */
  readonly #held = new Set<Socket>();
  #conditions: HopConditions = HEALTHY;
  #closing = false;

  static async start(options: HopProxyOptions): Promise<HopProxy> {
    const proxy = new HopProxy(options);
    await listen(proxy.#server, options.port, options.host);
    return proxy;
  }

  private constructor(options: HopProxyOptions) {
    this.name = options.name;
    this.upstreamPort = options.upstreamPort;
    this.#upstreamHost = options.upstreamHost ?? LOOPBACK;
    this.#now = options.now ?? Date.now;
    // allowHalfOpen: a FIN from one side is relayed as a FIN, not turned into a full close by Node.
    this.#server = net.createServer({ allowHalfOpen: true }, (socket) => this.#accept(socket));
  }

  get port(): number {
    return boundPort(this.#server);
  }

  get conditions(): HopConditions {
    return this.#conditions;
  }

  /** connections currently relayed (not counting held ones) */
  get relayCount(): number {
    return this.#relays.size;
  }

  /** Applies new conditions: what starts now hits current connections at once, and every new one. */
  setConditions(next: HopConditions): void {
    const previous = this.#conditions;
    this.#conditions = Object.freeze({ ...next });
    for (const relay of [...this.#relays]) {
      if (next.reset) {
        relay.reset();
        continue;
      }
      if (next.blackhole) relay.blackhole();
      if (next.rejectStatus !== null && previous.rejectStatus === null) relay.cut();
      if (next.closeCode !== null && previous.closeCode === null) relay.closeWith(next.closeCode);
      relay.setStall(next.stall);
      relay.setCap(next.capAgeMs);
      relay.setIdle(next.idleMs ?? null);
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const relay of this.#relays) relay.destroy();
    for (const socket of this.#held) socket.destroy();
    await closed;
  }

  #accept(socket: Socket): void {
    socket.setNoDelay(true);
    // Errors on a held or relayed socket are part of the lab's life (resets are the point); never fatal.
    socket.on('error', ignore);
    const conditions = this.#conditions;
    if (this.#closing) socket.destroy();
    else if (conditions.reset) socket.resetAndDestroy();
    else if (conditions.blackhole) this.#swallow(socket);
    else if (conditions.rejectStatus !== null) this.#reject(socket, conditions.rejectStatus);
    else {
      const relay = new Relay({
        hop: this.name,
        client: socket,
        upstreamHost: this.#upstreamHost,
        upstreamPort: this.upstreamPort,
        openedAt: this.#now(),
        now: this.#now,
        onClosed: (done) => this.#relays.delete(done),
      });
      this.#relays.add(relay);
      relay.setStall(conditions.stall);
      relay.setCap(conditions.capAgeMs);
      relay.setIdle(conditions.idleMs ?? null);
      if (conditions.closeCode !== null) relay.closeWith(conditions.closeCode);
    }
  }

  /** A blackhole: read and discard; answer nothing. Released once the client gives up. */
  #swallow(socket: Socket): void {
    this.#hold(socket);
    socket.on('data', ignore);
    socket.on('end', () => socket.destroy());
  }

  /** Reads the upgrade request, answers it with `status`, and hangs up. */
  #reject(socket: Socket, status: number): void {
    this.#hold(socket);
    const request = new WsStreamCursor('request');
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      socket.end(rejectResponse(this.name, status));
    };
    const giveUp = setTimeout(() => socket.destroy(), REJECT_READ_MS);
    giveUp.unref();
    socket.on('data', (chunk: Buffer) => {
      request.feed(chunk);
      if (request.phase !== 'head') answer();
    });
    socket.on('end', () => socket.destroy());
    socket.on('close', () => clearTimeout(giveUp));
  }

  #hold(socket: Socket): void {
    this.#held.add(socket);
    socket.on('close', () => this.#held.delete(socket));
  }
}

function rejectResponse(hop: string, status: number): string {
  const body = `hopwatch lab: the ${hop} hop rejects upgrades (${status})\n`;
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

function ignore(): void {}

function isReset(error: NodeJS.ErrnoException): boolean {
  return error.code === 'ECONNRESET' || error.code === 'EPIPE';
}

interface RelayOptions {
  hop: string;
  client: Socket;
  upstreamHost: string;
  upstreamPort: number;
  openedAt: number;
  now: () => number;
  onClosed: (relay: Relay) => void;
}

/**
 * One client connection and its upstream connection. Bytes are forwarded as they come; a FIN is relayed as a
 * FIN and a reset as a reset, so the hops in front see what this hop's upstream did, as with an L4 proxy.
 *
 * Each direction is "finished" once the hop sent its end that way (a FIN, a close frame, or a cut); bytes that
 * would go that way afterwards are discarded. The relay is done when both sockets have closed.
 */
class Relay {
  readonly openedAt: number;
  readonly #hop: string;
  readonly #client: Socket;
  readonly #upstream: Socket;
  readonly #now: () => number;
  readonly #onClosed: (relay: Relay) => void;
  readonly #toClient = new WsStreamCursor('response');
  readonly #toUpstream = new WsStreamCursor('request');
  #upstreamConnected = false;
  #stalled = false;
  /** once blackholed, always: bytes were discarded mid-stream, so forwarding again would corrupt the framing */
  #blackholed = false;
  /** a close frame is owed both ways, each at its direction's next frame boundary */
  #closeCode: number | null = null;
  #clientFinished = false;
  #upstreamFinished = false;
  #capTimer: NodeJS.Timeout | null = null;
  #idleMs: number | null = null;
  #idleTimer: NodeJS.Timeout | null = null;
  #lingerTimer: NodeJS.Timeout | null = null;
  #openSockets = 2;

  constructor(options: RelayOptions) {
    this.openedAt = options.openedAt;
    this.#hop = options.hop;
    this.#now = options.now;
    this.#onClosed = options.onClosed;
    this.#client = options.client;
    this.#upstream = net.connect({
      host: options.upstreamHost,
      port: options.upstreamPort,
      allowHalfOpen: true,
    });
    this.#upstream.setNoDelay(true);

    const client = this.#client;
    const upstream = this.#upstream;
    client.on('data', (chunk: Buffer) => this.#fromClient(chunk));
    upstream.on('data', (chunk: Buffer) => this.#fromUpstream(chunk));
    client.on('end', () => this.#peerEnded('client'));
    upstream.on('end', () => this.#peerEnded('upstream'));
    client.on('error', (error: NodeJS.ErrnoException) => this.#peerFailed(upstream, error));
    upstream.on('error', (error: NodeJS.ErrnoException) => this.#peerFailed(client, error));
    client.on('close', () => this.#socketClosed(upstream));
    upstream.on('close', () => this.#socketClosed(client));
    client.on('drain', () => this.#updateFlow());
    upstream.on('drain', () => this.#updateFlow());
    upstream.once('connect', () => {
      this.#upstreamConnected = true;
      this.#updateFlow();
    });
    // Hold the client's bytes in the kernel until there is somewhere to send them.
    this.#updateFlow();
  }

  setStall(stalled: boolean): void {
    if (this.#stalled === stalled) return;
    this.#stalled = stalled;
    this.#updateFlow();
  }

  setCap(ageMs: number | null): void {
    if (this.#capTimer) clearTimeout(this.#capTimer);
    this.#capTimer = null;
    if (ageMs === null || this.#blackholed) return;
    const due = Math.max(0, this.openedAt + ageMs - this.#now());
    this.#capTimer = setTimeout(() => this.cut(), due);
    this.#capTimer.unref();
  }

  /** Cuts the connection once no byte has crossed it either way for `idleMs`; every byte re-arms it. */
  setIdle(idleMs: number | null): void {
    this.#idleMs = idleMs;
    this.#touch();
  }

  #touch(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    if (this.#idleMs === null || this.#blackholed) return;
    this.#idleTimer = setTimeout(() => this.cut(), this.#idleMs);
    this.#idleTimer.unref();
  }

  blackhole(): void {
    if (this.#blackholed) return;
    this.#blackholed = true;
    this.setCap(null);
    this.#updateFlow();
  }

  closeWith(code: number): void {
    if (this.#closeCode !== null) return;
    this.#closeCode = code;
    this.#settleClose();
  }

  /**
   * Ends both ways with a FIN and no close frame: the client sees 1006 (abnormal_close), as when nginx's
   * proxy_read_timeout or a tunnel's connection limit cuts a WebSocket.
   */
  cut(): void {
    if (!this.#clientFinished) {
      this.#clientFinished = true;
      this.#client.end();
    }
    if (!this.#upstreamFinished) {
      this.#upstreamFinished = true;
      this.#upstream.end();
    }
    this.#linger();
  }

  reset(): void {
    resetSocket(this.#client);
    resetSocket(this.#upstream);
  }

  destroy(): void {
    this.#client.destroy();
    this.#upstream.destroy();
  }

  #fromClient(chunk: Buffer): void {
    if (this.#blackholed || this.#upstreamFinished) return;
    this.#touch();
    // A close is owed upstream only once the handshake is done: before it there are no frames to respect.
    const closeOwed = this.#closeCode !== null && this.#toClient.phase === 'frames';
    const n = this.#toUpstream.feed(chunk, closeOwed);
    if (n > 0 && !this.#upstream.write(n === chunk.length ? chunk : chunk.subarray(0, n))) this.#updateFlow();
    if (closeOwed) this.#settleClose();
  }

  #fromUpstream(chunk: Buffer): void {
    if (this.#blackholed || this.#clientFinished) return;
    this.#touch();
    const closeOwed = this.#closeCode !== null;
    const n = this.#toClient.feed(chunk, closeOwed);
    if (n > 0 && !this.#client.write(n === chunk.length ? chunk : chunk.subarray(0, n))) this.#updateFlow();
    if (closeOwed) this.#settleClose();
  }

  /** Sends each owed close frame as soon as its direction is between frames; then ends that direction. */
  #settleClose(): void {
    const code = this.#closeCode;
    if (code === null || this.#blackholed) return;
    // Not a WebSocket (the upgrade was refused): there are no frames; just hang up.
    if (this.#toClient.phase === 'opaque') {
      this.cut();
      return;
    }
    // The 101 has not passed yet: the close goes right after it.
    if (this.#toClient.phase !== 'frames') return;
    const reason = `hopwatch lab: ${this.#hop} closed the session`;
    if (!this.#clientFinished && this.#toClient.atBoundary) {
      this.#clientFinished = true;
      this.#client.end(closeFrame(code, reason, false));
    }
    if (!this.#upstreamFinished && this.#toUpstream.atBoundary) {
      this.#upstreamFinished = true;
      this.#upstream.end(closeFrame(code, reason, true));
    }
    if (this.#clientFinished && this.#upstreamFinished) this.#linger();
  }

  /**
   * A peer sent FIN: relay it. A blackhole relays nothing, but once a peer has given up the relay lets both
   * sides go, so a long demo never accumulates half-open sockets.
   */
  #peerEnded(side: 'client' | 'upstream'): void {
    if (this.#blackholed) {
      this.destroy();
      return;
    }
    if (side === 'client' && !this.#upstreamFinished) {
      this.#upstreamFinished = true;
      this.#upstream.end();
    } else if (side === 'upstream' && !this.#clientFinished) {
      this.#clientFinished = true;
      this.#client.end();
    }
  }

  /** A peer failed: a reset is relayed as a reset; an upstream that never answered is refused with a reset. */
  #peerFailed(other: Socket, error: NodeJS.ErrnoException): void {
    if (!this.#blackholed && (isReset(error) || !this.#upstreamConnected)) resetSocket(other);
    else other.destroy();
  }

  #socketClosed(other: Socket): void {
    this.#openSockets -= 1;
    if (this.#openSockets === 0) {
      if (this.#capTimer) clearTimeout(this.#capTimer);
      if (this.#idleTimer) clearTimeout(this.#idleTimer);
      if (this.#lingerTimer) clearTimeout(this.#lingerTimer);
      this.#onClosed(this);
      return;
    }
    // One side is gone: give the other a FIN and a moment to finish, then let it go.
    if (!other.destroyed && !other.writableEnded) other.end();
    this.#linger();
  }

  #linger(): void {
    if (this.#lingerTimer) return;
    this.#lingerTimer = setTimeout(() => this.destroy(), LINGER_MS);
    this.#lingerTimer.unref();
  }

  /** Reads from a side only when its bytes can go somewhere: not stalled, and the other side is not full. */
  #updateFlow(): void {
    if (this.#blackholed) {
      this.#client.resume();
      this.#upstream.resume();
      return;
    }
    const clientFlows = this.#upstreamConnected && !this.#stalled && !this.#upstream.writableNeedDrain;
    const upstreamFlows = !this.#stalled && !this.#client.writableNeedDrain;
    if (clientFlows) this.#client.resume();
    else this.#client.pause();
    if (upstreamFlows) this.#upstream.resume();
    else this.#upstream.pause();
  }
}

function resetSocket(socket: Socket): void {
  // resetAndDestroy on an already destroyed socket would raise ERR_SOCKET_CLOSED.
  if (!socket.destroyed) socket.resetAndDestroy();
}
