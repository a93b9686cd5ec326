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
import { PendingBeats } from './pending-beats.js';
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

/** Replies are matched against this many recent heartbeats; older ones have long been counted lost. */
const MAX_PENDING = 32;

// The prober thread's cost at 10,000 legs is nearly all memory traffic: what a beat and a pong touch is kept
// on this object (the config's numbers copied in, no object per heartbeat: pending-beats.ts), and timestamps
// that may be absent are NaN rather than null, so V8 keeps each field's number in place instead of boxing a
// new one at every write.

export class Heartbeat implements BeatClient {
  /** when the scheduled beat is due (wall ms); NaN when none is */
  #due = Number.NaN;
  #seq = 0;
  readonly #intervalMs: number;
  /** where in every interval this heartbeat beats, in [0, 1) */
  #slot = 0;
  readonly #link: HeartbeatLink;
  readonly #clock: BeatClock;
  readonly #mode: HeartbeatConfig['mode'];
  readonly #pending = new PendingBeats(MAX_PENDING);
  /** ping/message: sent time of the oldest heartbeat sent since the last reply; NaN when none is awaited */
  #awaitingSince = Number.NaN;
  /** the last frame sent or received that the heartbeat knows of (wall ms) */
  #lastFrameAt = Number.NaN;
  #lastReplyAt = Number.NaN;
  /** listen: the last inbound frame */
  #lastInboundAt = 0;
  #watchdog: NodeJS.Timeout | null = null;
  #recheck: NodeJS.Immediate | null = null;
  /** counts the heartbeats before the latest lost once pending I/O has been read (see #beat) */
  #settle: NodeJS.Immediate | null = null;
  #stopped = false;
  readonly #config: HeartbeatConfig;

  /** `clock`: the prober's, shared by every leg (a clock of its own otherwise) */
  constructor(config: HeartbeatConfig, link: HeartbeatLink, clock: BeatClock = new BeatClock()) {
    this.#config = config;
    this.#mode = config.mode;
    this.#intervalMs = config.intervalMs;
    this.#link = link;
    this.#clock = clock;
  }

  /** when the last reply (or, in listen mode, inbound frame) arrived */
  get lastReplyAt(): number | null {
    return Number.isNaN(this.#lastReplyAt) ? null : this.#lastReplyAt;
  }

  /**
   * the last heartbeat it sent or pong it was handed (wall ms), null before the first: the frames of every
   * second, kept here rather than on the leg, which a beat and a pong then need not touch
   */
  get lastFrameAt(): number | null {
    return Number.isNaN(this.#lastFrameAt) ? null : this.#lastFrameAt;
  }

  /**
   * Beats on the leg's slot of every interval (`slot` in [0, 1), see heartbeat-slot.ts in shared): legs get
   * different slots so that thousands of them do not ping in one burst, which would measure the prober instead
   * of the network, and each beat is timed to its slot on the wall clock, so a late one does not move the next.
   */
  start(slot: number): void {
    if (this.#mode === 'listen') {
      this.#lastInboundAt = Date.now();
      this.#armWatchdog();
    }
    this.#slot = slot;
    this.#scheduleBeat(Date.now());
  }

  /** Releases every timer. Idempotent. */
  stop(): void {
    this.#stopped = true;
    if (!Number.isNaN(this.#due)) this.#clock.cancel(this.#due, this);
    if (this.#watchdog) clearTimeout(this.#watchdog);
    if (this.#recheck) clearImmediate(this.#recheck);
    if (this.#settle) clearImmediate(this.#settle);
    this.#due = Number.NaN;
    this.#watchdog = this.#recheck = this.#settle = null;
  }

  /** The session timed out: heartbeats still awaiting a reply will never get one. */
  countUnansweredAsLost(): void {
    if (this.#mode === 'listen') return;
    const now = Date.now();
    for (let i = 0; i < this.#pending.size; i++) this.#markLost(i, now);
  }

  /** `now`: when the pong was read (wall ms), if the caller has it already */
  onPong(payload: Buffer, now = Date.now()): void {
    this.#lastFrameAt = now;
    if (this.#mode === 'listen') this.#lastInboundAt = now;
    if (this.#mode === 'message') return;
    // Compliant servers echo the payload. An empty pong from one that does not is taken as the answer to the
    // oldest heartbeat; any other payload is not ours (an unsolicited pong) and answers nothing.
    const index = payload.length === 0 ? 0 : this.#pending.indexOf(decimalPayload(payload));
    if (index >= 0 && index < this.#pending.size) this.#answer(index, now);
  }

  onMessage(text: string): void {
    const now = Date.now();
    if (this.#mode === 'listen') {
      this.#lastInboundAt = now;
      this.#lastReplyAt = now;
      return;
    }
    if (this.#mode !== 'message') return;
    // Newest first: with `"seq":{{seq}}`, the reply to 12 also contains `"seq":1`.
    const index = this.#pending.lastExpectedIn(text);
    if (index >= 0) this.#answer(index, now);
  }

  /** A ping from the far side: in listen mode any inbound frame proves life. */
  onPing(): void {
    if (this.#mode === 'listen') this.#lastInboundAt = Date.now();
  }

  #scheduleBeat(now: number): void {
    if (this.#stopped) return;
    this.#due = nextHeartbeatAt(now, this.#intervalMs, this.#slot);
    this.#clock.at(this.#due, this);
  }

  /** The beat clock's call: the beat due at `due` goes now. */
  onBeat(now: number, due: number): void {
    if (due !== this.#due) return;
    this.#due = Number.NaN;
    this.#beat(now, Math.max(0, now - due));
    this.#scheduleBeat(now);
  }

  #beat(now: number, lateMs: number): void {
    if (this.#stopped) return;
    this.#seq += 1;
    const seq = this.#seq;
    const pending = this.#pending;
    // Every earlier heartbeat without a reply is now lost; but timers run before I/O in each loop turn, so
    // when hopwatch fell behind, its reply may be sitting unread in the socket while this timer fires. Let
    // pending I/O run once (as the watchdog does) before counting them, as of now.
    if (this.#settle) clearImmediate(this.#settle);
    this.#settle = null;
    if (pending.size > 0) {
      this.#settle = setImmediate(() => {
        this.#settle = null;
        this.#settleDue(now, seq);
      });
    }
    this.#lastFrameAt = now;
    if (this.#mode === 'message') {
      const expect = fillTemplate(this.#config.expect, { seq, ts: now });
      const text = fillTemplate(this.#config.send, { seq, ts: now });
      pending.push(seq, now, performance.now(), lateMs, expect);
      this.#link.send(text);
    } else {
      // the RTT clock starts as late as it can: the frame goes to the socket right after
      pending.push(seq, now, performance.now(), lateMs);
      this.#link.ping(String(seq), now);
    }
    if (this.#mode !== 'listen' && Number.isNaN(this.#awaitingSince)) {
      this.#awaitingSince = now;
      this.#armWatchdog();
    }
  }

  /** Heartbeat `next` was due at `now`: every earlier one without a reply is lost, even if the session survives. */
  #settleDue(now: number, next: number): void {
    const pending = this.#pending;
    if (this.#mode === 'listen') {
      // A pushing server proved life since the ping went out: alive, though without an RTT.
      pending.dropWhere((i) => pending.seq(i) < next && this.#lastInboundAt >= pending.sentAt(i));
      for (let i = 0; i < pending.size; i++) if (pending.seq(i) < next) this.#markLost(i, now);
      return;
    }
    for (let i = 0; i < pending.size; i++) if (pending.seq(i) < next) this.#markLost(i, now);
  }

  #markLost(index: number, now: number): void {
    const pending = this.#pending;
    if (!pending.markLost(index)) return;
    this.#link.sample({
      seq: pending.seq(index),
      sentAt: pending.sentAt(index),
      at: now,
      rttMs: null,
      lateMs: pending.lateMs(index),
    });
  }

  /** The reply to the pending heartbeat at `index`; it also settles every older heartbeat. */
  #answer(index: number, now: number): void {
    const pending = this.#pending;
    const rttMs = performance.now() - pending.sentPerf(index);
    // Older ones got no reply before this one did (usually already counted at the next beat, see #beat).
    for (let i = 0; i < index; i++) this.#markLost(i, now);
    const seq = pending.seq(index);
    const sentAt = pending.sentAt(index);
    const lateMs = pending.lateMs(index);
    const lost = pending.lost(index);
    pending.dropThrough(index);
    this.#lastReplyAt = now;
    if (this.#mode !== 'listen') this.#awaitingSince = pending.size > 0 ? pending.sentAt(0) : Number.NaN;
    if (!lost) {
      this.#link.sample({ seq, sentAt, at: now, rttMs: Math.round(rttMs * 1000) / 1000, lateMs });
    }
  }

  #deadline(): number {
    if (this.#mode === 'listen') return this.#lastInboundAt + this.#config.timeoutMs;
    return this.#awaitingSince + this.#config.timeoutMs; // NaN when nothing is awaited
  }

  // The watchdog re-arms lazily: replies only move the deadline, and the one timer checks it when it fires,
  // so thousands of legs do not re-arm a timer on every reply.
  #armWatchdog(): void {
    if (this.#watchdog || this.#recheck || this.#stopped) return;
    const deadline = this.#deadline();
    if (Number.isNaN(deadline)) return;
    this.#watchdog = setTimeout(() => this.#onWatchdog(), Math.max(0, deadline - Date.now()));
  }

  #onWatchdog(): void {
    this.#watchdog = null;
    const deadline = this.#deadline();
    if (Number.isNaN(deadline)) return;
    if (Date.now() < deadline) {
      this.#armWatchdog();
      return;
    }
    // Timers run before I/O in each loop turn: after a stall of hopwatch itself, a reply may be sitting
    // unread in the socket. Let pending I/O run once before condemning the session.
    this.#recheck = setImmediate(() => {
      this.#recheck = null;
      const latest = this.#deadline();
      if (!Number.isNaN(latest) && Date.now() >= latest) this.#link.timeout();
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
