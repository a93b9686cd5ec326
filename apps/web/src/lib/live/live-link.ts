// The dashboard's own link to the server, as an explicit state machine. Pure: live-client.ts feeds it what
// the socket did and when; the header renders the view derived from it.
//
//   connecting ──hello──▶ live ──closed / silent too long──▶ reconnecting ──retryAt──▶ connecting
//       └──────────closed / connect timeout──────────────────────▲
//
// "stale" is not a state but a fact derived from the time of the last server message, so data on screen can
// never look fresher than the link that carried it.

import { LIVE_HEARTBEAT_INTERVAL_MS } from '@hopwatch/shared/protocol';
import { type BackoffPolicy, backoffDelay } from '@hopwatch/shared/time';
import { clockIn, zoneMode } from '../time-zone';

export type LinkStatus = 'connecting' | 'live' | 'reconnecting';

export interface LinkPolicy {
  backoff: BackoffPolicy;
  /** the server's heartbeat interval; two of them missed means the data is stale */
  heartbeatIntervalMs: number;
  /** an attempt that has not said hello by then is abandoned (a blackholed TCP connect can hang for minutes) */
  connectTimeoutMs: number;
}

export const DEFAULT_LINK_POLICY: LinkPolicy = {
  // Capped low: a wall screen must come back soon after a server restart, and one dashboard is cheap.
  backoff: { initialMs: 1_000, maxMs: 15_000 },
  heartbeatIntervalMs: LIVE_HEARTBEAT_INTERVAL_MS,
  connectTimeoutMs: 10_000,
};

export interface LinkState {
  status: LinkStatus;
  /** attempts since the last connection that lived long enough to count as healthy: drives the backoff */
  attempt: number;
  /** when the current status began */
  since: number;
  /** reconnecting: when the next attempt is due */
  retryAt: number | null;
  /** the last message of any kind from the server: the freshness of everything on screen */
  lastMessageAt: number | null;
  /** the newest event sequence number seen: where a reconnect resumes (`since=`) */
  lastSeq: number | null;
  /** browser → server → browser, from the last ping/pong; only meaningful while live */
  rttMs: number | null;
  /** when the page started: before any message, data is as old as the page */
  createdAt: number;
}

export type LinkInput =
  | { type: 'connect'; now: number }
  | { type: 'hello'; now: number; seq: number }
  | { type: 'event'; now: number; seq: number }
  | { type: 'heartbeat'; now: number }
  | { type: 'pong'; now: number; rttMs: number }
  | { type: 'closed'; now: number; random: number };

export function initialLinkState(now: number): LinkState {
  return {
    status: 'connecting',
    attempt: 0,
    since: now,
    retryAt: null,
    lastMessageAt: null,
    lastSeq: null,
    rttMs: null,
    createdAt: now,
  };
}

/** The one transition function. Inputs that make no sense in the current status leave it unchanged. */
export function nextLinkState(state: LinkState, input: LinkInput, policy: LinkPolicy): LinkState {
  switch (input.type) {
    case 'connect':
      if (state.status !== 'reconnecting') return state;
      return { ...state, status: 'connecting', since: input.now, retryAt: null };
    case 'hello':
      if (state.status !== 'connecting') return state;
      return {
        ...state,
        status: 'live',
        since: input.now,
        lastMessageAt: input.now,
        lastSeq: resumePoint(state.lastSeq, input.seq),
      };
    case 'event':
      if (state.status !== 'live') return state;
      return {
        ...state,
        lastMessageAt: input.now,
        lastSeq: state.lastSeq === null ? input.seq : Math.max(state.lastSeq, input.seq),
      };
    case 'heartbeat':
      if (state.status !== 'live') return state;
      return { ...state, lastMessageAt: input.now };
    case 'pong':
      if (state.status !== 'live') return state;
      return { ...state, lastMessageAt: input.now, rttMs: input.rttMs };
    case 'closed': {
      if (state.status === 'reconnecting') return state;
      // Like the legs (docs/spec.md#1-concepts): a connection that lived longer than the cap resets the backoff.
      const healthy = state.status === 'live' && input.now - state.since > policy.backoff.maxMs;
      const attempt = healthy ? 0 : state.attempt;
      const delay = backoffDelay(policy.backoff, attempt, () => input.random);
      return {
        ...state,
        status: 'reconnecting',
        attempt: attempt + 1,
        since: input.now,
        retryAt: input.now + delay,
        rttMs: null,
      };
    }
  }
}

/**
 * Where to resume after a hello. The first hello starts at the server's newest event (history comes from the
 * queries). A server whose log is behind ours lost its data (a new data dir): follow it rather than wait
 * for its sequence numbers to catch up with ours.
 */
export function resumePoint(lastSeq: number | null, helloSeq: number): number {
  if (lastSeq === null || helloSeq < lastSeq) return helloSeq;
  return lastSeq;
}

/** Whether a hello means the server forgot what we have seen, so cached history must be refetched. */
export function isLogReset(lastSeq: number | null, helloSeq: number): boolean {
  return lastSeq !== null && helloSeq < lastSeq;
}

/** Data is stale once two server heartbeats are missed. */
export function staleAfterMs(policy: LinkPolicy): number {
  return 2 * policy.heartbeatIntervalMs;
}

/** Whether the driver should give up on the current socket: no hello in time, or a silent server. */
export function shouldAbandon(state: LinkState, now: number, policy: LinkPolicy): boolean {
  if (state.status === 'connecting') return now - state.since > policy.connectTimeoutMs;
  if (state.status === 'live') return now - (state.lastMessageAt ?? state.since) > staleAfterMs(policy);
  return false;
}

export interface LinkView {
  status: LinkStatus;
  /** what the header says about the link itself: "live", "connecting", "reconnecting in 4s" */
  label: string;
  rttMs: number | null;
  stale: boolean;
  /** the time of the last server message (or page start): the data on screen is from then */
  staleSince: number | null;
}

export function describeLink(state: LinkState, now: number, policy: LinkPolicy): LinkView {
  const freshAt = state.lastMessageAt ?? state.createdAt;
  const stale = now - freshAt > staleAfterMs(policy);
  return {
    status: state.status,
    label: linkLabel(state, now),
    rttMs: state.status === 'live' ? state.rttMs : null,
    stale,
    staleSince: stale ? freshAt : null,
  };
}

function linkLabel(state: LinkState, now: number): string {
  switch (state.status) {
    case 'connecting':
      return 'connecting';
    case 'live':
      return 'live';
    case 'reconnecting': {
      const seconds = Math.ceil(Math.max(0, (state.retryAt ?? now) - now) / 1_000);
      return seconds > 0 ? `reconnecting in ${seconds}s` : 'reconnecting';
    }
  }
}

/** HH:MM:SS in the viewer's local time, 24-hour: the format of "stale since". */
/** `HH:MM:SS` in the page's zone (lib/time-zone.ts). */
export function formatClock(ms: number): string {
  return clockIn(zoneMode.get(), ms);
}
