// Live fan-out: every event is serialized once and written to every dashboard; a dashboard that cannot keep
// up is closed with 1013 instead of growing the server's memory, and resumes with `since` (nothing is lost,
// because events are replayed from the event log).
//
// Events go out in batches: framed once into one buffer (frames.ts) and written to each dashboard's TCP
// socket in one write. A batch leaves right after the event-loop turn that published it, but no sooner than
// `minFlushIntervalMs` after the previous one, so a burst costs each dashboard one write per interval
// instead of one per event, while a lone event (a drop on a quiet system) waits for nothing.
//
// A client's life in the hub:
//
//   add() ── hello ── replay(since) ──▶ live ──(close / slow: 1013 / no pong: terminate / hub.close: 1001)──▶ gone
//                          │
//                          └─ replay overflows the buffer ──▶ 1013 (reconnects from where it got to)

import type { Writable } from 'node:stream';
import {
  type HopEvent,
  LIVE_CLOSE_SLOW_CONSUMER,
  LIVE_HEARTBEAT_INTERVAL_MS,
  LIVE_PROTOCOL_VERSION,
  type ServerMessage,
  type StoredEvent,
} from '@hopwatch/shared/protocol';
import type WebSocket from 'ws';
import type { EventBus } from '../events/bus.js';
import { encodeTextFrames } from './frames.js';

/** Replays stored events after a sequence number; the store provides it, tests may pass an array. */
export interface EventReplay {
  after(since: number, limit: number): StoredEvent[];
}

export interface HubOptions {
  bus: EventBus;
  replay?: EventReplay;
  /** bytes queued on one socket before it counts as a slow consumer */
  maxBufferedBytes?: number;
  heartbeatIntervalMs?: number;
  /** a client that has not answered a WebSocket ping for this long is gone (no FIN ever came) */
  pongTimeoutMs?: number;
  /** batches leave at most this often (default 10 ms: below what a person can see on a chart) */
  minFlushIntervalMs?: number;
  now?: () => number;
}

const REPLAY_PAGE = 1_000;
const DEFAULT_MAX_BUFFERED = 4 * 1024 * 1024;
const DEFAULT_MIN_FLUSH_INTERVAL_MS = 10;
/** A client being closed that does not even read the close frame is cut after this. */
const CLOSE_GRACE_MS = 5_000;

interface LiveClient {
  socket: WebSocket;
  /** the stream under `socket` (TCP or TLS): batches of pre-built frames are written straight to it */
  wire: Writable;
  /** the newest seq the greeting and replay covered; the batch in flight may hold older events */
  joinedAtSeq: number;
  lastPongAt: number;
}

interface PendingEvent {
  seq: number;
  payload: Buffer;
}

export class LiveHub {
  readonly #clients = new Map<WebSocket, LiveClient>();
  readonly #bus: EventBus;
  readonly #replay: EventReplay | undefined;
  readonly #maxBuffered: number;
  readonly #pongTimeoutMs: number;
  readonly #now: () => number;
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #countListeners = new Set<(count: number) => void>();
  readonly #minFlushIntervalMs: number;
  #pending: PendingEvent[] = [];
  #flushScheduled: { cancel(): void } | null = null;
  #lastFlushAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: HubOptions) {
    this.#bus = options.bus;
    this.#replay = options.replay;
    this.#maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
    const heartbeatMs = options.heartbeatIntervalMs ?? LIVE_HEARTBEAT_INTERVAL_MS;
    this.#pongTimeoutMs = options.pongTimeoutMs ?? heartbeatMs * 6;
    this.#minFlushIntervalMs = options.minFlushIntervalMs ?? DEFAULT_MIN_FLUSH_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
    this.#unsubscribe = this.#bus.subscribe((stored) => this.#broadcast(stored));
    this.#heartbeat = setInterval(() => this.#sendHeartbeat(), heartbeatMs);
    this.#heartbeat.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Called with the new count whenever a client joins or leaves; returns the unsubscribe. */
  onClientCount(listener: (count: number) => void): () => void {
    this.#countListeners.add(listener);
    return () => this.#countListeners.delete(listener);
  }

  /** Greets a new client, replays what it missed, then adds it to the live fan-out. */
  add(socket: WebSocket, since: number | null): void {
    if (this.#closed) {
      socket.close(1001, 'server shutting down');
      return;
    }
    const seq = this.#bus.lastSeq();
    const hello = { type: 'hello', v: LIVE_PROTOCOL_VERSION, seq, serverTime: this.#now() } as const;
    socket.send(JSON.stringify(hello satisfies ServerMessage));
    // Synchronous, so no live event can slip in between the replay and joining the fan-out.
    const wire = wireOf(socket);
    if (since !== null && !this.#replayInto(socket, wire, since, seq)) {
      closeWithGrace(socket, LIVE_CLOSE_SLOW_CONSUMER, 'replay too large; reconnect with since');
      return;
    }
    if (socket.readyState !== socket.OPEN) return; // closed during the greeting: 'close' already fired
    const client: LiveClient = { socket, wire, joinedAtSeq: seq, lastPongAt: this.#now() };
    this.#clients.set(socket, client);
    socket.on('pong', () => {
      client.lastPongAt = this.#now();
    });
    socket.once('close', () => this.#forget(client));
    this.#emitCount();
  }

  /** Answers one client (the browser's ping), with the same slow-consumer rule as the fan-out. */
  reply(socket: WebSocket, message: ServerMessage): void {
    const client = this.#clients.get(socket);
    if (client) this.#write(client, encodeTextFrames([Buffer.from(JSON.stringify(message))]));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#flushScheduled?.cancel();
    this.#pending = [];
    this.#unsubscribe();
    for (const client of [...this.#clients.values()]) {
      this.#forget(client);
      closeWithGrace(client.socket, 1001, 'server shutting down');
    }
    this.#countListeners.clear();
  }

  /** Sends stored events in (since, seq]; false when the client's buffer overflowed on the way. */
  #replayInto(socket: WebSocket, wire: Writable, since: number, seq: number): boolean {
    if (!this.#replay) return true;
    let cursor = since;
    while (cursor < seq) {
      const page = this.#replay.after(cursor, REPLAY_PAGE);
      const payloads: Buffer[] = [];
      for (const stored of page) {
        if (stored.seq > seq || stored.seq <= cursor) break;
        payloads.push(encodeEvent(stored.seq, stored.event));
        cursor = stored.seq;
      }
      if (payloads.length === 0 || socket.readyState !== socket.OPEN) break;
      wire.write(encodeTextFrames(payloads));
      if (socket.bufferedAmount > this.#maxBuffered) return false;
      if (page.length < REPLAY_PAGE) break; // the log has nothing more in range
    }
    return true;
  }

  #broadcast(stored: StoredEvent): void {
    if (this.#clients.size === 0) return;
    // Serialized and UTF-8 encoded once, whatever the number of clients.
    this.#pending.push({ seq: stored.seq, payload: encodeEvent(stored.seq, stored.event) });
    this.#flushScheduled ??= this.#scheduleFlush();
  }

  #scheduleFlush(): { cancel(): void } {
    const wait = this.#lastFlushAt + this.#minFlushIntervalMs - performance.now();
    if (wait <= 0) {
      const immediate = setImmediate(() => this.#flushPending());
      return { cancel: () => clearImmediate(immediate) };
    }
    const timer = setTimeout(() => this.#flushPending(), wait);
    return { cancel: () => clearTimeout(timer) };
  }

  #flushPending(): void {
    this.#flushScheduled = null;
    this.#lastFlushAt = performance.now();
    const batch = this.#pending;
    this.#pending = [];
    const first = batch[0];
    if (!first) return;
    const frames = encodeTextFrames(batch.map((e) => e.payload));
    for (const client of [...this.#clients.values()]) {
      if (client.joinedAtSeq < first.seq) {
        this.#write(client, frames);
      } else {
        // Joined while this batch was pending: its replay already sent the older part.
        const newer = batch.filter((e) => e.seq > client.joinedAtSeq);
        if (newer.length > 0) this.#write(client, encodeTextFrames(newer.map((e) => e.payload)));
      }
    }
  }

  #sendHeartbeat(): void {
    if (this.#clients.size === 0) return;
    const now = this.#now();
    const heartbeat = { type: 'heartbeat', serverTime: now } satisfies ServerMessage;
    const frame = encodeTextFrames([Buffer.from(JSON.stringify(heartbeat))]);
    for (const client of [...this.#clients.values()]) {
      if (now - client.lastPongAt > this.#pongTimeoutMs) {
        // The peer vanished without a FIN (laptop lid, NAT expiry): TCP alone would notice in minutes.
        this.#forget(client);
        client.socket.terminate();
        continue;
      }
      this.#write(client, frame);
      if (this.#clients.has(client.socket)) client.socket.ping();
    }
  }

  /** Writes complete frames to one client, or closes it with 1013 if it has fallen too far behind. */
  #write(client: LiveClient, frames: Buffer): void {
    const { socket } = client;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > this.#maxBuffered) {
      this.#forget(client);
      closeWithGrace(socket, LIVE_CLOSE_SLOW_CONSUMER, 'too slow; reconnect with since');
      return;
    }
    client.wire.write(frames);
  }

  #forget(client: LiveClient): void {
    if (!this.#clients.delete(client.socket)) return;
    this.#emitCount();
  }

  #emitCount(): void {
    for (const listener of this.#countListeners) listener(this.#clients.size);
  }
}

/**
 * The stream a ws WebSocket writes its frames to. ws has no public accessor for it; ws 8 keeps it in
 * `_socket` (lib/websocket.js, setSocket). Writing complete frames to it after the same checks ws makes
 * (open, not closing) keeps them in order with ws' own pings and close frames; permessage-deflate is never
 * negotiated on /api/live, so no frame needs compressing. Every hub test fails if ws moves it.
 */
export function wireOf(socket: WebSocket): Writable {
  const wire = (socket as unknown as { _socket?: Writable })._socket;
  if (!wire || typeof wire.write !== 'function') {
    throw new Error('ws no longer exposes its socket as _socket; the live hub cannot write batches');
  }
  return wire;
}

/** Starts the close handshake; a client that does not even read the close frame is cut after a grace. */
function closeWithGrace(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, reason);
  const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

function encodeEvent(seq: number, event: HopEvent): Buffer {
  return Buffer.from(JSON.stringify({ type: 'event', seq, event } satisfies ServerMessage));
}
