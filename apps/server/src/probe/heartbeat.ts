// Heartbeats of one open session (docs/spec.md#2-configuration): sends one every `interval`, measures RTT, counts a heartbeat
// with no reply before the next was due as lost, and runs the watchdog that gives up after `timeout`.
//   ping:    RFC 6455 ping → pong (payload = seq)
//   message: `send` template → the first message containing the `expect` template, filled with the same seq/ts
//   listen:  any inbound frame proves life and `timeout` is the longest allowed silence; pings still go out
//            every interval so idle timeouts along the path do not fire
import { performance } from 'node:perf_hooks';
import { nextHeartbeatAt } from '@hopwatch/shared/time';
import type { HeartbeatConfig } from '../config/types.js';
import { type BeatClient, BeatClock } from './beat-clock.js';
import { fillTemplate } from './template.js';

export interface HeartbeatSample {
  seq: number;
  /** wall-clock ms the heartbeat was sent */
  sentAt: number;
  /** wall-clock ms the outcome was known: the reply, or the moment the next heartbeat was due */
  at: number;
  /** null: lost */
  rttMs: number | null;
  /** how many ms after its slot the heartbeat was sent */
  lateMs: number;
}

/** What a heartbeat needs from its session. */
export interface HeartbeatLink {
  /** `now`: the wall-clock ms the heartbeat is sent */
  ping(payload: string, now: number): void;
  send(text: string): void;
  sample(sample: HeartbeatSample): void;
  /** the watchdog gave up: the session must end as heartbeat_timeout */
  timeout(): void;
}

interface Beat {
  seq: number;
  sentAt: number;
  sentPerf: number;
  lateMs: number;
  /** message mode: the filled `expect` template */
  expect: string;
  /** already counted lost; a late reply still proves life, but gives no RTT */
  lost: boolean;
}

/** Replies are matched against this many recent heartbeats; older ones have long been counted lost. */
const MAX_PENDING = 32;

export class Heartbeat implements BeatClient {
  readonly #config: HeartbeatConfig;
  readonly #link: HeartbeatLink;
  readonly #clock: BeatClock;
  #seq = 0;
  #pending: Beat[] = [];
  /** ping/message: sent time of the oldest heartbeat sent since the last reply; null when none is awaited */
  #awaitingSince: number | null = null;
  /** listen: the last inbound frame */
  #lastInboundAt = 0;
  #lastReplyAt: number | null = null;
  #slot = 0;
  /** when the scheduled beat is due (wall ms); null when none is */
  #due: number | null = null;
  #watchdog: NodeJS.Timeout | null = null;
  #recheck: NodeJS.Immediate | null = null;
  /** counts the heartbeats before the latest lost once pending I/O has been read (see #beat) */
  #settle: NodeJS.Immediate | null = null;
  #stopped = false;

  /** `clock`: the prober's, shared by every leg (a clock of its own otherwise) */
  constructor(config: HeartbeatConfig, link: HeartbeatLink, clock: BeatClock = new BeatClock()) {
    this.#config = config;
    this.#link = link;
    this.#clock = clock;
  }

  /** when the last reply (or, in listen mode, inbound frame) arrived */
  get lastReplyAt(): number | null {
    return this.#lastReplyAt;
  }

  /**
   * Beats on the leg's slot of every interval (`slot` in [0, 1), see heartbeat-slot.ts in shared): legs get
   * different slots so that thousands of them do not ping in one burst, which would measure the prober instead
   * of the network, and each beat is timed to its slot on the wall clock, so a late one does not move the next.
   */
  start(slot: number): void {
    if (this.#config.mode === 'listen') {
      this.#lastInboundAt = Date.now();
      this.#armWatchdog();
    }
    this.#slot = slot;
    this.#scheduleBeat();
  }

  /** Releases every timer. Idempotent. */
  stop(): void {
    this.#stopped = true;
    if (this.#due !== null) this.#clock.cancel(this.#due, this);
    if (this.#watchdog) clearTimeout(this.#watchdog);
    if (this.#recheck) clearImmediate(this.#recheck);
    if (this.#settle) clearImmediate(this.#settle);
    this.#due = null;
    this.#watchdog = this.#recheck = this.#settle = null;
  }

  /** The session timed out: heartbeats still awaiting a reply will never get one. */
  countUnansweredAsLost(): void {
    if (this.#config.mode === 'listen') return;
    const now = Date.now();
    for (const beat of this.#pending) this.#markLost(beat, now);
  }

  /** `now`: when the pong was read (wall ms), if the caller has it already */
  onPong(payload: Buffer, now = Date.now()): void {
    if (this.#config.mode === 'listen') this.#lastInboundAt = now;
    if (this.#config.mode === 'message') return;
    // Compliant servers echo the payload. An empty pong from one that does not is taken as the answer to the
    // oldest heartbeat; any other payload is not ours (an unsolicited pong) and answers nothing.
    if (payload.length === 0) {
      this.#answer(0, now);
      return;
    }
    const seq = decimalPayload(payload);
    const pending = this.#pending;
    for (let index = 0; index < pending.length; index++) {
      if (pending[index]!.seq === seq) {
        this.#answer(index, now);
        return;
      }
    }
  }

  onMessage(text: string): void {
    const now = Date.now();
    if (this.#config.mode === 'listen') {
      this.#lastInboundAt = now;
      this.#lastReplyAt = now;
      return;
    }
    if (this.#config.mode !== 'message') return;
    // Newest first: with `"seq":{{seq}}`, the reply to 12 also contains `"seq":1`.
    for (let i = this.#pending.length - 1; i >= 0; i--) {
      if (text.includes(this.#pending[i]!.expect)) {
        this.#answer(i, now);
        return;
      }
    }
  }

  /** A ping from the far side: in listen mode any inbound frame proves life. */
  onPing(): void {
    if (this.#config.mode === 'listen') this.#lastInboundAt = Date.now();
  }

  #scheduleBeat(now = Date.now()): void {
    if (this.#stopped) return;
    this.#due = nextHeartbeatAt(now, this.#config.intervalMs, this.#slot);
    this.#clock.at(this.#due, this);
  }

  /** The beat clock's call: the beat due at `due` goes now. */
  onBeat(now: number, due: number): void {
    if (due !== this.#due) return;
    this.#due = null;
    this.#beat(now, Math.max(0, now - due));
    this.#scheduleBeat(now);
  }

  #beat(now: number, lateMs: number): void {
    if (this.#stopped) return;
    this.#seq += 1;
    const seq = this.#seq;
    // Every earlier heartbeat without a reply is now lost; but timers run before I/O in each loop turn, so
    // when hopwatch fell behind, its reply may be sitting unread in the socket while this timer fires. Let
    // pending I/O run once (as the watchdog does) before counting them, as of now.
    if (this.#settle) clearImmediate(this.#settle);
    this.#settle = null;
    if (this.#pending.length > 0) {
      this.#settle = setImmediate(() => {
        this.#settle = null;
        this.#settleDue(now, seq);
      });
    }
    const beat: Beat = { seq, sentAt: now, sentPerf: 0, lateMs, expect: '', lost: false };
    if (this.#config.mode === 'message') {
      beat.expect = fillTemplate(this.#config.expect, { seq, ts: now });
      const text = fillTemplate(this.#config.send, { seq, ts: now });
      beat.sentPerf = performance.now();
      this.#link.send(text);
    } else {
      const payload = String(seq);
      // the RTT clock starts as late as it can: the frame goes to the socket right after
      beat.sentPerf = performance.now();
      this.#link.ping(payload, now);
    }
    this.#pending.push(beat);
    if (this.#pending.length > MAX_PENDING) this.#pending.shift();
    if (this.#config.mode !== 'listen' && this.#awaitingSince === null) {
      this.#awaitingSince = now;
      this.#armWatchdog();
    }
  }

  /** Heartbeat `next` was due at `now`: every earlier one without a reply is lost, even if the session survives. */
  #settleDue(now: number, next: number): void {
    if (this.#config.mode === 'listen') {
      // A pushing server proved life since the ping went out: alive, though without an RTT.
      this.#pending = this.#pending.filter((beat) => {
        if (beat.seq >= next) return true;
        if (this.#lastInboundAt >= beat.sentAt) return false;
        this.#markLost(beat, now);
        return true;
      });
      return;
    }
    for (const beat of this.#pending) if (beat.seq < next) this.#markLost(beat, now);
  }

  #markLost(beat: Beat, now: number): void {
    if (beat.lost) return;
    beat.lost = true;
    this.#link.sample({ seq: beat.seq, sentAt: beat.sentAt, at: now, rttMs: null, lateMs: beat.lateMs });
  }

  /** The reply to pending[index]; it also settles every older heartbeat. */
  #answer(index: number, now: number): void {
    const beat = this.#pending[index];
    if (!beat) return;
    const rttMs = performance.now() - beat.sentPerf;
    // Older ones got no reply before this one did (usually already counted at the next beat, see #beat).
    for (let i = 0; i < index; i++) this.#markLost(this.#pending[i]!, now);
    if (index === 0) this.#pending.shift();
    else this.#pending.splice(0, index + 1);
    this.#lastReplyAt = now;
    if (this.#config.mode !== 'listen') this.#awaitingSince = this.#pending[0]?.sentAt ?? null;
    if (!beat.lost) {
      this.#link.sample({
        seq: beat.seq,
        sentAt: beat.sentAt,
        at: now,
        rttMs: Math.round(rttMs * 1000) / 1000,
        lateMs: beat.lateMs,
      });
    }
  }

  #deadline(): number | null {
    if (this.#config.mode === 'listen') return this.#lastInboundAt + this.#config.timeoutMs;
    return this.#awaitingSince === null ? null : this.#awaitingSince + this.#config.timeoutMs;
  }

  // The watchdog re-arms lazily: replies only move the deadline, and the one timer checks it when it fires,
  // so thousands of legs do not re-arm a timer on every reply.
  #armWatchdog(): void {
    if (this.#watchdog || this.#recheck || this.#stopped) return;
    const deadline = this.#deadline();
    if (deadline === null) return;
    this.#watchdog = setTimeout(() => this.#onWatchdog(), Math.max(0, deadline - Date.now()));
  }

  #onWatchdog(): void {
    this.#watchdog = null;
    const deadline = this.#deadline();
    if (deadline === null) return;
    if (Date.now() < deadline) {
      this.#armWatchdog();
      return;
    }
    // Timers run before I/O in each loop turn: after a stall of hopwatch itself, a reply may be sitting
    // unread in the socket. Let pending I/O run once before condemning the session.
    this.#recheck = setImmediate(() => {
      this.#recheck = null;
      const latest = this.#deadline();
      if (latest !== null && Date.now() >= latest) this.#link.timeout();
      else this.#armWatchdog();
    });
  }
}

/** The seq a pong echoes: decimal digits, read without making a string; NaN for anything else. */
export function decimalPayload(payload: Buffer): number {
  if (payload.length === 0 || payload.length > 15) return Number.NaN;
  let value = 0;
  for (let i = 0; i < payload.length; i++) {
    const digit = payload[i]! - 0x30;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}
