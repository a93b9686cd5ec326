// Live fan-out: every event is serialized once and written to every dashboard; a dashboard that cannot keep
// up is closed with 1013 instead of growing the server's memory, and resumes with `since` (nothing is lost,
// because events are replayed from the event log).
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
  now?: () => number;
}

const REPLAY_PAGE = 1_000;
const DEFAULT_MAX_BUFFERED = 4 * 1024 * 1024;

export class LiveHub {
  readonly #clients = new Set<WebSocket>();
  readonly #bus: EventBus;
  readonly #replay: EventReplay | undefined;
  readonly #maxBuffered: number;
  readonly #now: () => number;
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #countListeners = new Set<(count: number) => void>();

  constructor(options: HubOptions) {
    this.#bus = options.bus;
    this.#replay = options.replay;
    this.#maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
    this.#now = options.now ?? Date.now;
    this.#unsubscribe = this.#bus.subscribe((stored) => this.#broadcast(stored));
    this.#heartbeat = setInterval(
      () => this.#sendHeartbeat(),
      options.heartbeatIntervalMs ?? LIVE_HEARTBEAT_INTERVAL_MS,
    );
    this.#heartbeat.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  onClientCount(listener: (count: number) => void): void {
    this.#countListeners.add(listener);
  }

  /** Greets a new client, replays what it missed, then adds it to the live fan-out. */
  add(socket: WebSocket, since: number | null): void {
    const seq = this.#bus.lastSeq();
    send(socket, { type: 'hello', v: LIVE_PROTOCOL_VERSION, seq, serverTime: this.#now() });
    if (since !== null && this.#replay) {
      // Replay synchronously so no live event can slip in between the replay and the subscription.
      let cursor = since;
      while (cursor < seq) {
        const page = this.#replay.after(cursor, REPLAY_PAGE);
        if (page.length === 0) break;
        for (const stored of page) {
          if (stored.seq > seq) break;
          socket.send(serializeEvent(stored.seq, stored.event));
          cursor = stored.seq;
        }
        if (this.#isSlow(socket)) {
          socket.close(LIVE_CLOSE_SLOW_CONSUMER, 'replay too large; reconnect with since');
          return;
        }
      }
    }
    this.#clients.add(socket);
    this.#emitCount();
    socket.once('close', () => {
      this.#clients.delete(socket);
      this.#emitCount();
    });
  }

  close(): void {
    clearInterval(this.#heartbeat);
    this.#unsubscribe();
    for (const socket of this.#clients) socket.close(1001, 'server shutting down');
    this.#clients.clear();
    this.#emitCount();
  }

  #broadcast(stored: StoredEvent): void {
    if (this.#clients.size === 0) return;
    const frame = serializeEvent(stored.seq, stored.event);
    for (const socket of this.#clients) this.#write(socket, frame);
  }

  #sendHeartbeat(): void {
    if (this.#clients.size === 0) return;
    const frame = JSON.stringify({ type: 'heartbeat', serverTime: this.#now() } satisfies ServerMessage);
    for (const socket of this.#clients) this.#write(socket, frame);
  }

  #write(socket: WebSocket, frame: string): void {
    if (socket.readyState !== socket.OPEN) return;
    if (this.#isSlow(socket)) {
      this.#clients.delete(socket);
      this.#emitCount();
      socket.close(LIVE_CLOSE_SLOW_CONSUMER, 'too slow; reconnect with since');
      // A client that does not even read the close frame must not hold the socket forever.
      setTimeout(() => socket.terminate(), 5_000).unref();
      return;
    }
    socket.send(frame);
  }

  #isSlow(socket: WebSocket): boolean {
    return socket.bufferedAmount > this.#maxBuffered;
  }

  #emitCount(): void {
    for (const listener of this.#countListeners) listener(this.#clients.size);
  }
}

function serializeEvent(seq: number, event: HopEvent): string {
  return JSON.stringify({ type: 'event', seq, event } satisfies ServerMessage);
}

function send(socket: WebSocket, message: ServerMessage): void {
  socket.send(JSON.stringify(message));
}
