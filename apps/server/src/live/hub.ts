// Live fan-out: every event is serialized once and written to every dashboard; a dashboard that cannot keep
// up is closed with 1013 instead of growing the server's memory, and resumes with `since` (nothing is lost,
// because events are replayed from the event log).
//
// Events go out only once the store has committed them (DurableLog), so a seq a dashboard was sent is never
// lost or reused after a crash (docs/storage.md). They go out in batches: framed once into one buffer
// (frames.ts) and written to each dashboard's TCP socket in one write. A batch leaves right after the event-loop
// turn that published it, but no sooner than the previous one's interval (pacing.ts: twice what that batch
// cost, 10 to 25 ms), so a burst costs each dashboard one write per interval instead of one per event, and the
// fan-out leaves the loop free half the time however many dashboards there are, while a lone event (a drop on
// a quiet system) waits for nothing. Heartbeats are spread the same way: each client has its own slot of the
// interval, so 1,000 dashboards are not all written to (and all answer the ping) in the same millisecond.
//
// A client's life in the hub:
//
//   add() ── hello(seq) ──▶ replaying ──caught up to seq, held frames sent──▶ live ──▶ gone
//                              │                                               (close / slow: 1013 /
//                              │ reads the log in (since, seq] page by page;    no pong: terminate /
//                              │ the fan-out's newer frames are held meanwhile  hub.close: 1001)
//                              │
//                              └─ replay or held frames pass the buffer: 1013 / the log cannot be read: 1011
//                                 / close / hub.close: 1001 ──▶ gone
//
// The replay is asynchronous (the store may answer over the network), so events keep being published while
// it runs. The hello's seq splits the stream without a gap or a duplicate: the replay sends what the log
// holds up to it, the fan-out everything after it, held back until the replay is done.

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
import type { DurableLog, EventReplay } from '../store/store.js';
import { encodeTextFrames, PING_FRAME } from './frames.js';
import { type BatchPacing, batchInterval, DEFAULT_BATCH_PACING } from './pacing.js';

export interface HubOptions {
  /** the events to fan out: the bus, or a shared store's feed of every instance's events (events/store-feed.ts) */
  bus: Pick<EventBus, 'subscribe' | 'lastSeq'>;
  replay?: EventReplay;
  /** the store's commit point; without one (tests, no storage) every published event counts as durable */
  durable?: DurableLog;
  /** bytes queued on one socket before it counts as a slow consumer */
  maxBufferedBytes?: number;
  heartbeatIntervalMs?: number;
  /** a client that has not answered a WebSocket ping for this long is gone (no FIN ever came) */
  pongTimeoutMs?: number;
  /** how long a closed client has to answer the close frame once it was sent (default 5 s) */
  closeGraceMs?: number;
  /** batches leave at most this often (default 10 ms: below what a person can see on a chart) */
  minFlushIntervalMs?: number;
  /** however long a batch took, the next may leave this soon after it (default 25 ms; pacing.ts) */
  maxFlushIntervalMs?: number;
  now?: () => number;
  /** a replay that could not be read is reported here; the client is closed with 1011 and resumes */
  onError?: (error: unknown, context: string) => void;
}

const REPLAY_PAGE = 1_000;
const DEFAULT_MAX_BUFFERED = 4 * 1024 * 1024;
/** Each client's heartbeat (and ping) goes out in one of this many slots of the heartbeat interval. */
const HEARTBEAT_SLOTS = 20;
/** A client being closed that does not answer the close frame within this, once it was sent, is cut. */
const CLOSE_GRACE_MS = 5_000;
/** A client being closed that reads nothing at all, so its close frame never even leaves, is cut after this. */
const CLOSE_UNREAD_MS = 60_000;
/** Close code for a replay the event log could not serve (RFC 6455: internal error); the client resumes. */
const CLOSE_REPLAY_FAILED = 1011;
/** How soon events that could not be committed (disk busy, full) are tried again. */
const DURABLE_RETRY_MS = 50;

type ClientPhase = 'replaying' | 'live' | 'gone';

interface LiveClient {
  socket: WebSocket;
  /** the stream under `socket` (TCP or TLS): batches of pre-built frames are written straight to it */
  wire: Writable;
  phase: ClientPhase;
  /**
   * The seq in the client's hello: the replay covers events up to it, the fan-out the ones after it (a batch
   * pending when the client joined may hold older events, which the replay already sent).
   */
  joinedAtSeq: number;
  lastPongAt: number;
  /** which of the HEARTBEAT_SLOTS this client's heartbeat goes out in */
  heartbeatSlot: number;
  /** fan-out frames (all newer than joinedAtSeq) held while replaying, sent in order once caught up */
  held: Buffer[];
  heldBytes: number;
  /**
   * Frames waiting for the socket to drain. Kept here, not in the socket's own buffer, so that cutting a slow
   * client can drop them and its close frame (1013) goes out next, not behind megabytes it will never read.
   */
  backlog: Buffer[];
  backlogBytes: number;
}

interface PendingEvent {
  seq: number;
  payload: Buffer;
}

export class LiveHub {
  readonly #clients = new Map<WebSocket, LiveClient>();
  readonly #bus: Pick<EventBus, 'subscribe' | 'lastSeq'>;
  readonly #replay: EventReplay | undefined;
  readonly #durable: DurableLog;
  readonly #maxBuffered: number;
  readonly #pongTimeoutMs: number;
  readonly #now: () => number;
  readonly #onError: (error: unknown, context: string) => void;
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #countListeners = new Set<(count: number) => void>();
  readonly #pacing: BatchPacing;
  readonly #closeGraceMs: number;
  #pending: PendingEvent[] = [];
  #flushScheduled: { cancel(): void } | null = null;
  #lastFlushAt = Number.NEGATIVE_INFINITY;
  /** how long after #lastFlushAt the next batch may leave (what the last batch cost, pacing.ts) */
  #flushIntervalMs: number;
  /** the heartbeat slot the next tick serves, and the one the next client joins */
  #heartbeatTick = 0;
  #nextHeartbeatSlot = 0;
  #closed = false;

  constructor(options: HubOptions) {
    this.#bus = options.bus;
    this.#replay = options.replay;
    this.#durable = options.durable ?? { commit: () => this.#bus.lastSeq() };
    this.#maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
    const heartbeatMs = options.heartbeatIntervalMs ?? LIVE_HEARTBEAT_INTERVAL_MS;
    this.#pongTimeoutMs = options.pongTimeoutMs ?? heartbeatMs * 6;
    this.#pacing = {
      minIntervalMs: options.minFlushIntervalMs ?? DEFAULT_BATCH_PACING.minIntervalMs,
      maxIntervalMs: options.maxFlushIntervalMs ?? DEFAULT_BATCH_PACING.maxIntervalMs,
    };
    this.#flushIntervalMs = this.#pacing.minIntervalMs;
    this.#now = options.now ?? Date.now;
    this.#closeGraceMs = options.closeGraceMs ?? CLOSE_GRACE_MS;
    this.#onError = options.onError ?? defaultOnError;
    this.#unsubscribe = this.#bus.subscribe((stored) => this.#broadcast(stored), {
      rtt: (batch) => {
        // With no dashboard connected (the usual case) a batch costs one check, not one per heartbeat.
        if (this.#clients.size === 0) return;
        for (const stored of batch) this.#broadcast(stored);
      },
    });
    this.#heartbeat = setInterval(() => this.#sendHeartbeats(), heartbeatMs / HEARTBEAT_SLOTS);
    this.#heartbeat.unref();
  }

  /** Connected dashboards, replaying or live. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** Called with the new count whenever a client joins or leaves; returns the unsubscribe. */
  onClientCount(listener: (count: number) => void): () => void {
    this.#countListeners.add(listener);
    return () => this.#countListeners.delete(listener);
  }

  /**
   * Greets a new client and adds it to the fan-out; with `since`, first replays what it missed (in the
   * background: live events are held for it until the replay has caught up).
   */
  add(socket: WebSocket, since: number | null): void {
    if (this.#closed) {
      socket.close(1001, 'server shutting down');
      return;
    }
    // The hello's seq is durable: a client resuming from it after a crash finds every event up to it.
    const seq = this.#durable.commit();
    const hello = { type: 'hello', v: LIVE_PROTOCOL_VERSION, seq, serverTime: this.#now() } as const;
    socket.send(JSON.stringify(hello satisfies ServerMessage));
    const wire = wireOf(socket);
    if (socket.readyState !== socket.OPEN) return; // closed during the greeting: 'close' already fired
    const replay = since !== null && since < seq ? this.#replay : undefined;
    const client: LiveClient = {
      socket,
      wire,
      phase: replay ? 'replaying' : 'live',
      joinedAtSeq: seq,
      lastPongAt: this.#now(),
      heartbeatSlot: this.#nextHeartbeatSlot,
      held: [],
      heldBytes: 0,
      backlog: [],
      backlogBytes: 0,
    };
    this.#nextHeartbeatSlot = (this.#nextHeartbeatSlot + 1) % HEARTBEAT_SLOTS;
    this.#clients.set(socket, client);
    socket.on('pong', () => {
      client.lastPongAt = this.#now();
    });
    socket.once('close', () => this.#forget(client));
    this.#emitCount();
    if (replay && since !== null) void this.#catchUp(client, replay, since);
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
    for (const client of [...this.#clients.values()]) this.#cut(client, 1001, 'server shutting down');
    this.#countListeners.clear();
  }

  /**
   * Sends the stored events in (since, joinedAtSeq], page by page, then the frames held meanwhile, and turns
   * the client live. Stops quietly if the client left (or was cut) while a page was being read.
   */
  async #catchUp(client: LiveClient, replay: EventReplay, since: number): Promise<void> {
    let cursor = since;
    try {
      while (cursor < client.joinedAtSeq) {
        const page = await replay.after(cursor, REPLAY_PAGE);
        if (client.phase !== 'replaying') return;
        const payloads: Buffer[] = [];
        for (const stored of page) {
          // Newer events than the hello's seq come from the fan-out (held), never from the log.
          if (stored.seq > client.joinedAtSeq || stored.seq <= cursor) break;
          payloads.push(encodeEvent(stored.seq, stored.event));
          cursor = stored.seq;
        }
        if (payloads.length === 0) break;
        this.#write(client, encodeTextFrames(payloads));
        if (client.phase !== 'replaying') return; // cut: its buffer overflowed
        if (page.length < REPLAY_PAGE) break; // the log has nothing more in range
      }
    } catch (error) {
      if (client.phase !== 'replaying') return;
      this.#onError(error, `replay after seq ${cursor} failed`);
      this.#cut(client, CLOSE_REPLAY_FAILED, 'replay failed; reconnect with since');
      return;
    }
    if (client.phase !== 'replaying') return;
    // No await from here on: nothing can be published between sending the held frames and going live.
    const held = client.held;
    client.held = [];
    client.heldBytes = 0;
    client.phase = 'live';
    client.lastPongAt = this.#now();
    if (held.length > 0) this.#write(client, Buffer.concat(held));
  }

  #broadcast(stored: StoredEvent): void {
    if (this.#clients.size === 0) return;
    // Serialized and UTF-8 encoded once, whatever the number of clients.
    this.#pending.push({ seq: stored.seq, payload: encodeEvent(stored.seq, stored.event) });
    this.#flushScheduled ??= this.#scheduleFlush();
  }

  #scheduleFlush(): { cancel(): void } {
    const wait = this.#lastFlushAt + this.#flushIntervalMs - performance.now();
    if (wait <= 0) {
      const immediate = setImmediate(() => this.#flushPending());
      return { cancel: () => clearImmediate(immediate) };
    }
    const timer = setTimeout(() => this.#flushPending(), wait);
    return { cancel: () => clearTimeout(timer) };
  }

  #flushPending(): void {
    this.#flushScheduled = null;
    const startedAt = performance.now();
    this.#lastFlushAt = startedAt;
    // Only what is on disk goes out; the rest waits for a later commit (SQLite commits here, at once).
    const durable = this.#durable.commit();
    let ready = this.#pending.length;
    while (ready > 0 && (this.#pending[ready - 1]?.seq ?? 0) > durable) ready -= 1;
    const batch = this.#pending.slice(0, ready);
    this.#pending = this.#pending.slice(ready);
    if (this.#pending.length > 0) this.#flushScheduled = this.#retryFlush();
    const first = batch[0];
    if (!first) return;
    const frames = encodeTextFrames(batch.map((e) => e.payload));
    for (const client of [...this.#clients.values()]) {
      let owed = frames;
      if (client.joinedAtSeq >= first.seq) {
        // Joined while this batch was pending: its replay covers the older part.
        const newer = batch.filter((e) => e.seq > client.joinedAtSeq);
        if (newer.length === 0) continue;
        owed = encodeTextFrames(newer.map((e) => e.payload));
      }
      if (client.phase === 'replaying') this.#hold(client, owed);
      else this.#write(client, owed);
    }
    this.#flushIntervalMs = batchInterval(performance.now() - startedAt, this.#pacing);
  }

  #retryFlush(): { cancel(): void } {
    const timer = setTimeout(() => this.#flushPending(), DURABLE_RETRY_MS);
    return { cancel: () => clearTimeout(timer) };
  }

  /**
   * Heartbeats the clients of this tick's slot: each gets the heartbeat message and a WebSocket ping in one
   * write, once per heartbeat interval.
   */
  #sendHeartbeats(): void {
    const slot = this.#heartbeatTick;
    this.#heartbeatTick = (slot + 1) % HEARTBEAT_SLOTS;
    if (this.#clients.size === 0) return;
    const now = this.#now();
    let frames: Buffer | null = null;
    for (const client of [...this.#clients.values()]) {
      // A replaying client is being sent the log; it is pinged once live.
      if (client.heartbeatSlot !== slot || client.phase !== 'live') continue;
      if (now - client.lastPongAt > this.#pongTimeoutMs) {
        // The peer vanished without a FIN (laptop lid, NAT expiry): TCP alone would notice in minutes.
        this.#forget(client);
        client.socket.terminate();
        continue;
      }
      frames ??= heartbeatFrames(now);
      this.#write(client, frames);
    }
  }

  /** Writes complete frames to one client, or closes it with 1013 if it has fallen too far behind. */
  #write(client: LiveClient, frames: Buffer): void {
    const { socket, wire } = client;
    if (socket.readyState !== socket.OPEN) return;
    if (client.backlog.length === 0 && !wire.writableNeedDrain) {
      wire.write(frames);
      return;
    }
    if (client.backlogBytes + frames.length + socket.bufferedAmount > this.#maxBuffered) {
      this.#cut(client, LIVE_CLOSE_SLOW_CONSUMER, 'too slow; reconnect with since');
      return;
    }
    client.backlog.push(frames);
    client.backlogBytes += frames.length;
    if (client.backlog.length === 1) wire.once('drain', () => this.#drain(client));
  }

  /** The socket took what it had: hands it the backlog, a frame batch at a time, until it is full again. */
  #drain(client: LiveClient): void {
    if (client.phase === 'gone') return;
    const { wire } = client;
    while (client.backlog.length > 0) {
      const frames = client.backlog.shift() as Buffer;
      client.backlogBytes -= frames.length;
      if (!wire.write(frames)) break;
    }
    if (client.backlog.length > 0) wire.once('drain', () => this.#drain(client));
  }

  /** Keeps fan-out frames for a replaying client; what it is owed in all counts toward the same limit. */
  #hold(client: LiveClient, frames: Buffer): void {
    client.held.push(frames);
    client.heldBytes += frames.length;
    if (client.heldBytes + client.backlogBytes + client.socket.bufferedAmount > this.#maxBuffered) {
      this.#cut(client, LIVE_CLOSE_SLOW_CONSUMER, 'replay too large; reconnect with since');
    }
  }

  #cut(client: LiveClient, code: number, reason: string): void {
    this.#forget(client);
    closeWithGrace(client, code, reason, this.#closeGraceMs);
  }

  #forget(client: LiveClient): void {
    if (client.phase === 'gone') return;
    client.phase = 'gone';
    client.held = [];
    client.heldBytes = 0;
    client.backlog = [];
    client.backlogBytes = 0;
    this.#clients.delete(client.socket);
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

/**
 * Starts the close handshake with the backlog already dropped (#forget), so the close frame follows only what
 * the kernel holds. The grace for the client's answer starts once the frame has left: a client that stopped
 * reading for a while still sees the code (1013: reconnect with since) rather than a bare 1006.
 */
function closeWithGrace(client: LiveClient, code: number, reason: string, graceMs: number): void {
  const { socket, wire } = client;
  socket.close(code, reason);
  const timers: NodeJS.Timeout[] = [];
  const cut = (ms: number) => {
    const timer = setTimeout(() => socket.terminate(), ms);
    timer.unref();
    timers.push(timer);
  };
  cut(CLOSE_UNREAD_MS);
  // An empty write completes after every write before it, the close frame included.
  if (wire.writable) wire.write(Buffer.alloc(0), () => cut(graceMs));
  else cut(graceMs);
  socket.once('close', () => {
    for (const timer of timers) clearTimeout(timer);
  });
}

function defaultOnError(error: unknown, context: string): void {
  const message = error instanceof Error ? error.message : String(error);
  process.emitWarning(`hopwatch live: ${context}: ${message}`, { code: 'HOPWATCH_LIVE' });
}

/** The heartbeat message and a ping, framed as one buffer (ws' receiver answers the ping with a pong). */
function heartbeatFrames(now: number): Buffer {
  const heartbeat = { type: 'heartbeat', serverTime: now } satisfies ServerMessage;
  return Buffer.concat([encodeTextFrames([Buffer.from(JSON.stringify(heartbeat))]), PING_FRAME]);
}

function encodeEvent(seq: number, event: HopEvent): Buffer {
  return Buffer.from(JSON.stringify({ type: 'event', seq, event } satisfies ServerMessage));
}
