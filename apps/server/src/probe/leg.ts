// One permanent probe connection to a target, entering the path at one hop. It connects, heartbeats, records
// why each session ended, and reconnects forever with capped exponential backoff and full jitter.
//
//            start()            101, then the open steps               end(cause)
//   idle ─────────────▶ connecting ─────────────────────────▶ open ─────────────▶ closing
//                        │   ▲                                                     │ socket gone
//                        │   └──────────── backoff timer ─────── waiting ◀─────────┘
//                        └── end(cause): a failed attempt, zero duration ──▶ closing
//   stop(): from any state, through closing when a socket is open, to stopped
//
// `end()` is the only place a session's cause is decided; socket events, the watchdog, the connect and
// open-step timers and stop() all go through it, and it releases every timer of the attempt.
//
// The phase above is the leg's machinery; the state its leg_state events announce is the outage machine's
// (packages/shared/src/outages), fed the same session events the server's outage tracker sees: up or down,
// connecting only before the first session, and a `since` that failed retries never move.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { initialCondition, type LegCondition, nextCondition } from '@hopwatch/shared/outages';
import type { HopEvent, Session } from '@hopwatch/shared/protocol';
import { backoffDelay, heartbeatSlot } from '@hopwatch/shared/time';
import WebSocket from 'ws';
import type { LegConfig } from '../config/types.js';
import { type AlpnChecks, type AlpnEndpoint, alpnEndpoint } from './alpn-probe.js';
import type { BeatClock } from './beat-clock.js';
import { HandshakeTimer } from './handshake.js';
import { Heartbeat, type HeartbeatSample } from './heartbeat.js';
import { PongTap } from './pong-tap.js';
import { eventRttWriter, type RttWriter, type RttWriters } from './rtt-writer.js';
import {
  type AttemptStage,
  type CloseEvidence,
  classifyClose,
  connectTimeout,
  type ErrorLike,
  endedByHopwatch,
  heartbeatTimeout,
  openStepTimeout,
  rejectedByHttp,
  type SessionEnd,
} from './session-end.js';
import { SessionLink } from './session-link.js';
import type { StallMonitor } from './stall-monitor.js';
import { fillTemplate } from './template.js';
import type { LegStatus } from './types.js';

export type LegPhase = 'idle' | 'connecting' | 'open' | 'closing' | 'waiting' | 'stopped';

export interface LegOptions {
  target: string;
  config: LegConfig;
  publish: (event: HopEvent) => void;
  stallMonitor: StallMonitor;
  /** shared h2/ALPN checks; null to skip them */
  alpnChecks: AlpnChecks | null;
  /** for backoff jitter */
  random?: () => number;
  /**
   * where the leg's condition stands when it starts: a leg a reload replaced goes on with its predecessor's
   * (a down leg stays in its outage); default connecting since now
   */
  condition?: LegCondition | null;
  /** how long a close hopwatch chose (stop, reload) may wait for the far side's close frame */
  closeTimeoutMs?: number;
  /** the prober's one timer for every heartbeat (beat-clock.ts); a clock of the leg's own otherwise */
  beatClock?: BeatClock;
  /** where a session's samples go (rtt-writer.ts); published as rtt events otherwise */
  rttWriters?: RttWriters;
}

/** One connection attempt and, once it opens, its session. */
interface Attempt {
  id: string;
  ws: WebSocket | null;
  /** the attempt's TCP (or TLS) socket: heartbeat pings are written to it as finished frames (ping-frame.ts) */
  socket: Socket | null;
  stage: AttemptStage;
  timing: HandshakeTimer;
  wsError: ErrorLike | null;
  socketError: ErrorLike | null;
  /** status of an HTTP response ws refused */
  httpStatus: number | null;
  /** the connect timeout, then the open-step timeout */
  timer: NodeJS.Timeout | null;
  openStep: number;
  heartbeat: Heartbeat | null;
  /** takes pongs off the socket for the heartbeat (pong-tap.ts); null until the upgrade, or if ws has no Receiver to tap */
  pongTap: PongTap | null;
  /** where the open session's samples go */
  rtt: RttWriter | null;
  openedAt: number;
  /**
   * the last frame in either direction (wall ms) but the heartbeat's pings and pongs, which it keeps itself:
   * `silenceMs` at the end is from the later of the two
   */
  lastFrameAt: number;
  ended: boolean;
  gone: boolean;
}

const DEFAULT_CLOSE_TIMEOUT_MS = 2_000;
/** A WebSocket client speaks HTTP/1.1; offering only that makes `alpn` say what the hop agreed to. */
const LEG_ALPN = ['http/1.1'];

type ClientOptions = WebSocket.ClientOptions & ConnectionOptions & { closeTimeout?: number };

export class Leg {
  readonly target: string;
  readonly config: LegConfig;
  readonly #publish: (event: HopEvent) => void;
  readonly #stall: StallMonitor;
  readonly #alpnChecks: AlpnChecks | null;
  readonly #alpnEndpoint: AlpnEndpoint | null;
  readonly #random: () => number;
  readonly #closeTimeoutMs: number;
  readonly #beatClock: BeatClock | undefined;
  readonly #rttWriters: RttWriters;
  /** where in every heartbeat interval this leg beats: its own, across reconnects and reloads */
  readonly #slot: number;
  #phase: LegPhase = 'idle';
  #condition: LegCondition = initialCondition(Date.now());
  #attempt: Attempt | null = null;
  #attempts = 0;
  /** exponent of the next backoff delay; reset after a session that outlived `reconnect.max` */
  #backoffStep = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #stopping = false;
  #stopped: Promise<void> | null = null;
  #resolveStopped: (() => void) | null = null;

  constructor(options: LegOptions) {
    this.target = options.target;
    this.config = options.config;
    this.#publish = options.publish;
    this.#stall = options.stallMonitor;
    this.#alpnChecks = options.alpnChecks;
    this.#random = options.random ?? Math.random;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.#beatClock = options.beatClock;
    this.#rttWriters =
      options.rttWriters ??
      ((target, leg, sessionId) => eventRttWriter(options.publish, target, leg, sessionId));
    this.#alpnEndpoint = safeAlpnEndpoint(options.config);
    this.#slot = heartbeatSlot(`${options.target}\u0000${options.config.name}`);
    if (options.condition) this.#condition = options.condition;
  }

  start(): void {
    if (this.#phase !== 'idle') return;
    this.#connect();
  }

  /** Ends the leg. An open session closes with cause null: hopwatch chose to end it, it is not a drop. */
  stop(): Promise<void> {
    if (this.#stopped) return this.#stopped;
    this.#stopping = true;
    if (this.#phase === 'idle') {
      // never started (still queued when the prober stopped): nothing to close, nothing to announce
      this.#phase = 'stopped';
      this.#stopped = Promise.resolve();
      return this.#stopped;
    }
    this.#stopped = new Promise((resolve) => {
      this.#resolveStopped = resolve;
    });
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const attempt = this.#attempt;
    if (attempt) this.#end(attempt, endedByHopwatch());
    else this.#finishStop();
    return this.#stopped;
  }

  status(): LegStatus {
    const attempt = this.#attempt;
    return {
      target: this.target,
      leg: this.config.name,
      state: this.#condition.state,
      since: this.#condition.since,
      sessionId: attempt && this.#phase === 'open' ? attempt.id : null,
      lastReplyAt: this.#phase === 'open' ? (attempt?.heartbeat?.lastReplyAt ?? null) : null,
    };
  }

  // ── connecting ────────────────────────────────────────────────────────────────────────────────────────

  #connect(): void {
    this.#retryTimer = null;
    this.#phase = 'connecting';
    this.#attempts += 1;
    this.#announceState(null);
    const attempt: Attempt = {
      id: `${this.target}/${this.config.name}/${this.#attempts}-${randomBytes(4).toString('hex')}`,
      ws: null,
      socket: null,
      stage: 'connecting',
      timing: new HandshakeTimer(),
      wsError: null,
      socketError: null,
      httpStatus: null,
      timer: null,
      openStep: 0,
      heartbeat: null,
      pongTap: null,
      rtt: null,
      openedAt: 0,
      lastFrameAt: 0,
      ended: false,
      gone: false,
    };
    this.#attempt = attempt;
    // A blackholed hop may accept TCP and never answer: without a response the attempt fails at `timeout`.
    const timeoutMs = this.config.heartbeat.timeoutMs;
    attempt.timer = setTimeout(() => this.#end(attempt, connectTimeout(timeoutMs)), timeoutMs);
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.config.url, this.config.subprotocols, this.#clientOptions(attempt));
    } catch (error) {
      // Invalid URL, header value or subprotocol: permanent, but shown like any failed attempt, not a crash.
      attempt.wsError = { message: error instanceof Error ? error.message : String(error) };
      this.#end(attempt, classifyClose(this.#closeEvidence(attempt, 1006, '')));
      this.#gone(attempt);
      return;
    }
    attempt.ws = ws;
    ws.on('upgrade', () => {
      attempt.timing.responded();
      // If ws refuses this 101 (bad accept header, subprotocol), the evidence says an HTTP response came.
      attempt.httpStatus = 101;
    });
    ws.on('unexpected-response', (_request, response) => {
      attempt.timing.responded();
      this.#end(attempt, rejectedByHttp(response.statusCode ?? 0));
    });
    ws.on('open', () => {
      // first, before ws feeds its Receiver a byte: the tap must see the stream from its first frame
      attempt.pongTap = PongTap.install(ws);
      this.#upgraded(attempt);
    });
    ws.on('message', (data) => this.#onMessage(attempt, data));
    ws.on('ping', () => {
      attempt.lastFrameAt = Date.now();
      attempt.heartbeat?.onPing();
    });
    ws.on('error', (error: Error & { code?: string }) => {
      attempt.wsError ??= { code: error.code, message: error.message };
    });
    ws.on('close', (code, reason) => {
      if (!attempt.ended)
        this.#end(attempt, classifyClose(this.#closeEvidence(attempt, code, reason.toString())));
      this.#gone(attempt);
    });
  }

  #clientOptions(attempt: Attempt): ClientOptions {
    const { config } = this;
    const options: ClientOptions = {
      headers: config.headers,
      perMessageDeflate: false,
      followRedirects: false,
      closeTimeout: this.#closeTimeoutMs,
      finishRequest: (request) => {
        request.on('socket', (socket: Socket) => {
          attempt.socket = socket;
          attempt.timing.watch(socket);
          // ws swallows socket errors after the upgrade; ECONNRESET vs EPIPE vs FIN is the evidence we need.
          socket.on('error', (error: Error & { code?: string }) => {
            attempt.socketError = { code: error.code, message: error.message };
          });
        });
        request.end();
      },
    };
    if (config.origin !== null) options.origin = config.origin;
    if (this.config.url.startsWith('wss:')) {
      options.ALPNProtocols = LEG_ALPN;
      options.rejectUnauthorized = !config.tls.insecure;
      if (config.tls.ca !== null) options.ca = config.tls.ca;
      if (config.tls.servername !== null) options.servername = config.tls.servername;
    }
    return options;
  }

  /** The server accepted the upgrade: run the open steps (auth, subscribe), then the session is up. */
  #upgraded(attempt: Attempt): void {
    if (attempt.ended) return;
    if (attempt.timer) clearTimeout(attempt.timer);
    attempt.timer = null;
    attempt.httpStatus = null;
    attempt.stage = 'opening';
    attempt.lastFrameAt = Date.now();
    this.#nextOpenStep(attempt, attempt.lastFrameAt);
  }

  /** `at`: when the frame that finished the previous step (or the upgrade) was read */
  #nextOpenStep(attempt: Attempt, at: number): void {
    const step = this.config.open[attempt.openStep];
    if (!step) {
      this.#becomeOpen(attempt, at);
      return;
    }
    const timeoutMs = this.config.heartbeat.timeoutMs;
    const name = this.#openStepName(attempt);
    attempt.timer = setTimeout(() => this.#end(attempt, openStepTimeout(name, timeoutMs)), timeoutMs);
    if (step.send !== '') this.#send(attempt, fillTemplate(step.send, this.#templateValues(attempt)));
  }

  #closeEvidence(attempt: Attempt, code: number, reason: string): CloseEvidence {
    return {
      stage: attempt.stage,
      code,
      reason,
      wsError: attempt.wsError,
      socketError: attempt.socketError,
      httpStatus: attempt.httpStatus,
      openStep: attempt.stage === 'opening' ? this.#openStepName(attempt) : null,
    };
  }

  #openStepName(attempt: Attempt): string {
    return `open step ${attempt.openStep + 1} of ${this.config.open.length}`;
  }

  #templateValues(attempt: Attempt) {
    return { seq: attempt.openStep + 1, ts: Date.now() };
  }

  #onMessage(attempt: Attempt, data: WebSocket.RawData): void {
    attempt.lastFrameAt = Date.now();
    if (attempt.stage === 'opening') {
      const step = this.config.open[attempt.openStep];
      if (!step) return;
      const expected = fillTemplate(step.expect, this.#templateValues(attempt));
      if (!rawText(data).includes(expected)) return;
      if (attempt.timer) clearTimeout(attempt.timer);
      attempt.timer = null;
      attempt.openStep += 1;
      this.#nextOpenStep(attempt, attempt.lastFrameAt);
      return;
    }
    // Ping mode never looks at messages: do not pay for decoding them.
    if (attempt.heartbeat && this.config.heartbeat.mode !== 'ping') {
      attempt.heartbeat.onMessage(rawText(data));
    }
  }

  // ── open ──────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * `at`: when the frame that opened the session was read. The session starts at that same reading, not a
   * second one: its silence (from its last frame) can then never come out longer than the session itself.
   */
  #becomeOpen(attempt: Attempt, at: number): void {
    attempt.stage = 'open';
    attempt.openedAt = at;
    this.#phase = 'open';
    this.#publish({
      kind: 'session_open',
      ts: attempt.openedAt,
      target: this.target,
      leg: this.config.name,
      sessionId: attempt.id,
      handshake: attempt.timing.result(this.#alpnProbe()),
    });
    this.#condition = nextCondition(this.#condition, { type: 'open', at: attempt.openedAt }).condition;
    this.#announceState(null);
    const ws = attempt.ws;
    if (!ws) return; // an attempt opens only through its ws's 'open'
    attempt.rtt = this.#rttWriters(this.target, this.config.name, attempt.id);
    const link = new SessionLink(ws, attempt.socket, {
      send: (text) => this.#send(attempt, text),
      sample: (sample) => this.#publishRtt(attempt, sample),
      timeout: () => this.#end(attempt, heartbeatTimeout(this.config.heartbeat.timeoutMs)),
    });
    const heartbeat = new Heartbeat(this.config.heartbeat, link, this.#beatClock);
    attempt.heartbeat = heartbeat;
    // Pongs go straight to the heartbeat, which also keeps the time of the last one (see #publishClose): off the
    // socket when they arrive alone (nearly always), through ws when they share a chunk with other frames.
    attempt.pongTap?.listen(heartbeat);
    ws.on('pong', (payload) => heartbeat.onPong(payload, Date.now()));
    heartbeat.start(this.#slot);
  }

  #send(attempt: Attempt, text: string): void {
    attempt.lastFrameAt = Date.now();
    attempt.ws?.send(text);
  }

  #publishRtt(attempt: Attempt, sample: HeartbeatSample): void {
    attempt.rtt?.write(
      sample.at,
      sample.seq,
      sample.rttMs,
      // A heartbeat sent late says hopwatch was behind: its reply may have waited in hopwatch's queue too.
      sample.lateMs > lateBeatLimitMs(this.#stall.thresholdMs) ||
        this.#stall.isSuspect(sample.sentAt, sample.at),
      sample.lateMs,
    );
  }

  // ── the one end ───────────────────────────────────────────────────────────────────────────────────────

  #end(attempt: Attempt, outcome: SessionEnd): void {
    if (attempt.ended) return;
    attempt.ended = true;
    if (attempt.timer) clearTimeout(attempt.timer);
    attempt.timer = null;
    if (attempt.heartbeat) {
      if (outcome.cause === 'heartbeat_timeout') attempt.heartbeat.countUnansweredAsLost();
      attempt.heartbeat.stop();
    }
    const wasOpen = attempt.stage === 'open';
    const now = Date.now();
    // A connection hopwatch itself abandons before it opened is neither a session nor a drop.
    if (wasOpen || outcome.cause !== null) this.#publishClose(attempt, outcome, wasOpen, now);
    if (wasOpen && now - attempt.openedAt > this.config.reconnect.maxMs) this.#backoffStep = 0;
    this.#phase = 'closing';
    const ws = attempt.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    if (outcome.cause === null && ws.readyState === WebSocket.OPEN) ws.close(1001, 'hopwatch stopping');
    else ws.terminate();
  }

  #publishClose(attempt: Attempt, outcome: SessionEnd, wasOpen: boolean, now: number): void {
    const openedAt = wasOpen ? attempt.openedAt : now;
    const session: Session = {
      id: attempt.id,
      target: this.target,
      leg: this.config.name,
      openedAt,
      closedAt: now,
      durationMs: now - openedAt,
      silenceMs: wasOpen ? now - Math.max(attempt.lastFrameAt, attempt.heartbeat?.lastFrameAt ?? 0) : null,
      ...outcome,
      // A stall of hopwatch within one heartbeat timeout before the end may itself have caused it.
      suspect: outcome.cause !== null && this.#stall.isSuspect(now - this.config.heartbeat.timeoutMs, now),
      handshake: attempt.timing.result(this.#alpnProbe()),
    };
    this.#publish({ kind: 'session_close', ts: now, target: this.target, leg: this.config.name, session });
    this.#condition = nextCondition(this.#condition, { type: 'close', session }).condition;
  }

  /** The attempt's socket is closed: wait and reconnect, or finish stopping. Runs once per attempt. */
  #gone(attempt: Attempt): void {
    if (attempt.gone) return;
    attempt.gone = true;
    if (this.#attempt !== attempt) return;
    this.#attempt = null;
    if (this.#stopping) {
      this.#finishStop();
      return;
    }
    const delay = backoffDelay(this.config.reconnect, this.#backoffStep, this.#random);
    this.#backoffStep += 1;
    this.#phase = 'waiting';
    // one clock reading for both: a retry announced `delay` after the event's own ts, to the ms
    const now = Date.now();
    this.#announceState(delay, now);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  #finishStop(): void {
    this.#phase = 'stopped';
    this.#announceState(null);
    this.#resolveStopped?.();
    this.#resolveStopped = null;
  }

  /** Publishes the outage machine's state at every phase change; `retryAt` while waiting to reconnect. */
  /** `retryInMs`: when the next attempt starts, from `now`; null when none is scheduled */
  #announceState(retryInMs: number | null, now = Date.now()): void {
    this.#publish({
      kind: 'leg_state',
      ts: now,
      target: this.target,
      leg: this.config.name,
      state: this.#condition.state,
      since: this.#condition.since,
      retryAt: retryInMs === null ? null : now + retryInMs,
    });
  }

  #alpnProbe() {
    return this.#alpnEndpoint && this.#alpnChecks ? this.#alpnChecks.latest(this.#alpnEndpoint) : null;
  }
}

/**
 * How late a heartbeat may be sent before its sample is suspect. RTTs on a healthy path are a few ms: a beat
 * 50 ms behind its slot means hopwatch had a backlog of that size, and the reply may have waited in it too.
 * Never more lenient than the configured stall threshold.
 */
const LATE_BEAT_MS = 50;
function lateBeatLimitMs(stallThresholdMs: number): number {
  return Math.min(LATE_BEAT_MS, stallThresholdMs);
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function safeAlpnEndpoint(config: LegConfig): AlpnEndpoint | null {
  try {
    return alpnEndpoint(config.url, config.tls);
  } catch {
    return null;
  }
}
