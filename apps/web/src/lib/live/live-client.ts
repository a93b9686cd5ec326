// The browser's one connection to WS /api/live: drives the link state machine (live-link.ts) from a real
// socket and timers, validates every frame at the boundary, and hands events to whoever writes them into the
// query cache. It reconnects forever, resuming with `since=<last seq>` so nothing is missed.
import { parseServerMessage, type StoredEvent } from '@hopwatch/shared/protocol';
import {
  DEFAULT_LINK_POLICY,
  describeLink,
  initialLinkState,
  isLogReset,
  type LinkInput,
  type LinkPolicy,
  type LinkState,
  type LinkView,
  nextLinkState,
  shouldAbandon,
} from './live-link';

/** What a hello means for cached data. */
export interface HelloInfo {
  seq: number;
  /** a reconnect that resumed with `since`: the replay follows, but summaries computed server-side moved on */
  resumed: boolean;
  /** the server's log is behind ours (new data dir): everything cached must be refetched */
  logReset: boolean;
}

export interface LiveClientOptions {
  /** the stream's URL for a given resume point */
  url: (since: number | null) => string;
  policy?: LinkPolicy;
  /** the RTT probe interval */
  pingIntervalMs?: number;
  now?: () => number;
  /** a monotonic clock for RTT */
  monotonic?: () => number;
  random?: () => number;
  createSocket?: (url: string) => WebSocket;
}

const TICK_MS = 1_000;
const DEFAULT_PING_INTERVAL_MS = 3_000;

export class LiveClient {
  readonly #options: Required<Omit<LiveClientOptions, 'policy'>>;
  readonly #policy: LinkPolicy;
  #state: LinkState;
  #view: LinkView;
  #socket: WebSocket | null = null;
  #running = false;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #tickTimer: ReturnType<typeof setInterval> | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  readonly #viewListeners = new Set<() => void>();
  readonly #eventListeners = new Set<(stored: StoredEvent) => void>();
  readonly #helloListeners = new Set<(hello: HelloInfo) => void>();

  constructor(options: LiveClientOptions) {
    this.#options = {
      url: options.url,
      pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
      now: options.now ?? Date.now,
      monotonic: options.monotonic ?? (() => performance.now()),
      random: options.random ?? Math.random,
      createSocket: options.createSocket ?? ((url) => new WebSocket(url)),
    };
    this.#policy = options.policy ?? DEFAULT_LINK_POLICY;
    this.#state = initialLinkState(this.#options.now());
    this.#view = describeLink(this.#state, this.#options.now(), this.#policy);
  }

  /** Opens the link; idempotent, and may follow stop() (React StrictMode mounts twice). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#tickTimer = setInterval(() => this.#tick(), TICK_MS);
    if (this.#state.status === 'reconnecting') this.#apply({ type: 'connect', now: this.#options.now() });
    this.#open();
  }

  /** Closes the link and releases every timer. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#clearTimers();
    this.#dropSocket();
    if (this.#state.status !== 'reconnecting') {
      this.#apply({ type: 'closed', now: this.#options.now(), random: this.#options.random() });
    }
  }

  /** The view the header renders; the same object until something changes (useSyncExternalStore). */
  getView = (): LinkView => this.#view;

  subscribe = (listener: () => void): (() => void) => {
    this.#viewListeners.add(listener);
    return () => this.#viewListeners.delete(listener);
  };

  onEvent(listener: (stored: StoredEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  onHello(listener: (hello: HelloInfo) => void): () => void {
    this.#helloListeners.add(listener);
    return () => this.#helloListeners.delete(listener);
  }

  #open(): void {
    const socket = this.#options.createSocket(this.#options.url(this.#state.lastSeq));
    this.#socket = socket;
    socket.onmessage = (message) => {
      if (this.#socket === socket) this.#onMessage(message.data);
    };
    // One path for every way a socket ends: error is always followed by close, but close alone suffices.
    socket.onclose = () => {
      if (this.#socket === socket) this.#onSocketGone();
    };
  }

  #onMessage(data: unknown): void {
    const now = this.#options.now();
    if (typeof data !== 'string') return;
    const parsed = parseServerMessage(data);
    if (!parsed.ok) {
      // A frame we do not understand is dropped, never applied: the protocol is validated at the boundary.
      console.warn(`hopwatch: ignoring a live message: ${parsed.message}`);
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'hello': {
        const resumed = this.#state.lastSeq !== null;
        const logReset = isLogReset(this.#state.lastSeq, message.seq);
        this.#apply({ type: 'hello', now, seq: message.seq });
        this.#startPinging();
        notify(this.#helloListeners, { seq: message.seq, resumed, logReset });
        return;
      }
      case 'event': {
        // A replay may overlap what we already applied; applying it twice would duplicate rows.
        const duplicate = this.#state.lastSeq !== null && message.seq <= this.#state.lastSeq;
        this.#apply({ type: 'event', now, seq: message.seq });
        if (duplicate) return;
        notify(this.#eventListeners, { seq: message.seq, event: message.event });
        return;
      }
      case 'heartbeat':
        this.#apply({ type: 'heartbeat', now });
        return;
      case 'pong':
        this.#apply({ type: 'pong', now, rttMs: Math.max(0, this.#options.monotonic() - message.t) });
        return;
    }
  }

  #startPinging(): void {
    this.#stopPinging();
    this.#ping();
    this.#pingTimer = setInterval(() => this.#ping(), this.#options.pingIntervalMs);
  }

  #ping(): void {
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: 'ping', t: this.#options.monotonic() }));
  }

  #stopPinging(): void {
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
  }

  #onSocketGone(): void {
    this.#dropSocket();
    this.#apply({ type: 'closed', now: this.#options.now(), random: this.#options.random() });
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (!this.#running) return;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    const wait = Math.max(0, (this.#state.retryAt ?? 0) - this.#options.now());
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (!this.#running) return;
      this.#apply({ type: 'connect', now: this.#options.now() });
      this.#open();
    }, wait);
  }

  #tick(): void {
    const now = this.#options.now();
    if (this.#socket !== null && shouldAbandon(this.#state, now, this.#policy)) {
      // A silent or hanging socket may take minutes to report close; stop waiting for it.
      this.#onSocketGone();
      return;
    }
    this.#refreshView(now);
  }

  /** Detaches and closes the current socket so its late events cannot reach the state machine. */
  #dropSocket(): void {
    this.#stopPinging();
    const socket = this.#socket;
    this.#socket = null;
    if (socket === null) return;
    socket.onmessage = null;
    socket.onclose = null;
    if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) socket.close();
  }

  #clearTimers(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    if (this.#tickTimer !== null) clearInterval(this.#tickTimer);
    this.#retryTimer = null;
    this.#tickTimer = null;
    this.#stopPinging();
  }

  #apply(input: LinkInput): void {
    this.#state = nextLinkState(this.#state, input, this.#policy);
    this.#refreshView(input.now);
  }

  #refreshView(now: number): void {
    const view = describeLink(this.#state, now, this.#policy);
    if (sameView(view, this.#view)) return;
    this.#view = view;
    for (const listener of this.#viewListeners) listener();
  }
}

/** One broken consumer must not stop the stream for the others. */
function notify<T>(listeners: Iterable<(value: T) => void>, value: T): void {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (error) {
      console.error('hopwatch: a live listener failed', error);
    }
  }
}

function sameView(a: LinkView, b: LinkView): boolean {
  return (
    a.status === b.status &&
    a.label === b.label &&
    a.rttMs === b.rttMs &&
    a.stale === b.stale &&
    a.staleSince === b.staleSince
  );
}

/** The stream on the page's own origin, so the server's Origin check passes. */
export function liveUrl(since: number | null): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = since === null ? '' : `?since=${since}`;
  return `${scheme}//${window.location.host}/api/live${query}`;
}
