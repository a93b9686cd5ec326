import { describe, expect, it } from 'vitest';
import {
  describeLink,
  formatClock,
  initialLinkState,
  isLogReset,
  type LinkInput,
  type LinkPolicy,
  type LinkState,
  nextLinkState,
  resumePoint,
  shouldAbandon,
} from './live-link';

const policy: LinkPolicy = {
  backoff: { initialMs: 1_000, maxMs: 15_000 },
  heartbeatIntervalMs: 5_000,
  connectTimeoutMs: 10_000,
};

const T0 = 1_000_000;

function run(inputs: LinkInput[], start: LinkState = initialLinkState(T0)): LinkState {
  return inputs.reduce((state, input) => nextLinkState(state, input, policy), start);
}

const live = run([{ type: 'hello', now: T0 + 100, seq: 40 }]);

describe('nextLinkState', () => {
  it.each<[string, LinkInput[], Partial<LinkState>]>([
    ['hello makes a connecting link live', [{ type: 'hello', now: T0 + 5, seq: 7 }], { status: 'live' }],
    ['the first hello sets the resume point', [{ type: 'hello', now: T0 + 5, seq: 7 }], { lastSeq: 7 }],
    [
      'events advance the resume point and freshness',
      [
        { type: 'hello', now: T0, seq: 7 },
        { type: 'event', now: T0 + 50, seq: 9 },
      ],
      { lastSeq: 9, lastMessageAt: T0 + 50 },
    ],
    [
      'an older replayed event never moves the resume point back',
      [
        { type: 'hello', now: T0, seq: 7 },
        { type: 'event', now: T0 + 50, seq: 9 },
        { type: 'event', now: T0 + 60, seq: 8 },
      ],
      { lastSeq: 9 },
    ],
    [
      'a heartbeat refreshes without touching the sequence',
      [
        { type: 'hello', now: T0, seq: 7 },
        { type: 'heartbeat', now: T0 + 5_000 },
      ],
      { lastMessageAt: T0 + 5_000, lastSeq: 7 },
    ],
    [
      'a pong records the RTT',
      [
        { type: 'hello', now: T0, seq: 7 },
        { type: 'pong', now: T0 + 10, rttMs: 3.5 },
      ],
      { rttMs: 3.5, lastMessageAt: T0 + 10 },
    ],
    [
      'events before hello are ignored',
      [{ type: 'event', now: T0 + 5, seq: 99 }],
      { status: 'connecting', lastSeq: null },
    ],
    [
      'a failed first attempt waits within the initial backoff',
      [{ type: 'closed', now: T0 + 20, random: 0.5 }],
      { status: 'reconnecting', attempt: 1, retryAt: T0 + 20 + 500 },
    ],
    [
      'repeated failures double the ceiling (full jitter)',
      [
        { type: 'closed', now: T0, random: 0.5 },
        { type: 'connect', now: T0 + 500 },
        { type: 'closed', now: T0 + 600, random: 0.5 },
        { type: 'connect', now: T0 + 1_600 },
        { type: 'closed', now: T0 + 1_700, random: 0.5 },
      ],
      { attempt: 3, retryAt: T0 + 1_700 + 2_000 },
    ],
    [
      'the delay never exceeds the cap',
      Array.from({ length: 12 }, (_, i): LinkInput[] => [
        { type: 'closed', now: T0 + i * 100_000, random: 0.999 },
        { type: 'connect', now: T0 + i * 100_000 + 50_000 },
      ])
        .flat()
        .concat([{ type: 'closed', now: T0 + 2_000_000, random: 0.999 }]),
      { retryAt: T0 + 2_000_000 + Math.floor(0.999 * 15_000) },
    ],
    [
      'a long healthy connection resets the backoff',
      [
        { type: 'closed', now: T0, random: 0.5 },
        { type: 'connect', now: T0 + 500 },
        { type: 'closed', now: T0 + 600, random: 0.5 },
        { type: 'connect', now: T0 + 2_000 },
        { type: 'hello', now: T0 + 2_010, seq: 1 },
        { type: 'closed', now: T0 + 60_000, random: 0.5 },
      ],
      { attempt: 1, retryAt: T0 + 60_000 + 500 },
    ],
    [
      'a short-lived connection keeps backing off',
      [
        { type: 'closed', now: T0, random: 0.5 },
        { type: 'connect', now: T0 + 500 },
        { type: 'hello', now: T0 + 510, seq: 1 },
        { type: 'closed', now: T0 + 1_000, random: 0.5 },
      ],
      { attempt: 2, retryAt: T0 + 1_000 + 1_000 },
    ],
    [
      'closing forgets the RTT but keeps the resume point and freshness',
      [
        { type: 'hello', now: T0, seq: 7 },
        { type: 'pong', now: T0 + 10, rttMs: 3 },
        { type: 'closed', now: T0 + 20, random: 0 },
      ],
      { rttMs: null, lastSeq: 7, lastMessageAt: T0 + 10 },
    ],
    [
      'a second close while reconnecting changes nothing',
      [
        { type: 'closed', now: T0, random: 0.5 },
        { type: 'closed', now: T0 + 10, random: 0.9 },
      ],
      { attempt: 1, retryAt: T0 + 500 },
    ],
    [
      'connect is due only from reconnecting',
      [{ type: 'connect', now: T0 + 10 }],
      { status: 'connecting', since: T0 },
    ],
    [
      'a resumed hello keeps our resume point so the replay fills the gap',
      [
        { type: 'hello', now: T0, seq: 7 },
        { type: 'closed', now: T0 + 10, random: 0 },
        { type: 'connect', now: T0 + 20 },
        { type: 'hello', now: T0 + 30, seq: 12 },
      ],
      { status: 'live', lastSeq: 7 },
    ],
  ])('%s', (_name, inputs, expected) => {
    expect(run(inputs)).toMatchObject(expected);
  });
});

describe('resumePoint and isLogReset', () => {
  it.each([
    [null, 5, 5, false],
    [5, 9, 5, false],
    [9, 9, 9, false],
    [9, 2, 2, true],
  ])('last %s, hello %d → resume at %d (reset: %s)', (last, hello, resume, reset) => {
    expect(resumePoint(last, hello)).toBe(resume);
    expect(isLogReset(last, hello)).toBe(reset);
  });
});

describe('shouldAbandon', () => {
  it.each<[string, LinkState, number, boolean]>([
    ['a fresh attempt', initialLinkState(T0), T0 + 9_000, false],
    ['an attempt with no hello past the connect timeout', initialLinkState(T0), T0 + 10_001, true],
    ['a live link that heard from the server recently', live, T0 + 100 + 10_000, false],
    ['a live link silent for more than two heartbeats', live, T0 + 100 + 10_001, true],
    [
      'a link already waiting to reconnect',
      run([{ type: 'closed', now: T0, random: 0 }]),
      T0 + 99_000,
      false,
    ],
  ])('%s → %s', (_name, state, now, expected) => {
    expect(shouldAbandon(state, now, policy)).toBe(expected);
  });
});

describe('describeLink', () => {
  const reconnecting = run([{ type: 'closed', now: T0 + 2_000, random: 0.5 }], live);
  it.each<[string, LinkState, number, Partial<ReturnType<typeof describeLink>>]>([
    ['connecting at page start', initialLinkState(T0), T0 + 1, { label: 'connecting', stale: false }],
    ['live with RTT', { ...live, rttMs: 4 }, T0 + 3_000, { label: 'live', rttMs: 4, stale: false }],
    ['reconnecting counts down in whole seconds', reconnecting, T0 + 2_000, { label: 'reconnecting in 1s' }],
    ['a due retry says reconnecting', reconnecting, T0 + 2_600, { label: 'reconnecting', rttMs: null }],
    [
      'not stale within two heartbeats of the last message',
      reconnecting,
      T0 + 100 + 10_000,
      { stale: false },
    ],
    [
      'stale since the last message once two heartbeats are missed',
      reconnecting,
      T0 + 100 + 10_001,
      { stale: true, staleSince: T0 + 100 },
    ],
    [
      'stale since page start when nothing was ever heard',
      initialLinkState(T0),
      T0 + 10_001,
      { stale: true, staleSince: T0, label: 'connecting' },
    ],
    [
      'a live socket whose server went silent is stale too',
      live,
      T0 + 100 + 10_001,
      { label: 'live', stale: true },
    ],
  ])('%s', (_name, state, now, expected) => {
    expect(describeLink(state, now, policy)).toMatchObject(expected);
  });
});

describe('formatClock', () => {
  it.each([
    [new Date(2025, 0, 2, 9, 5, 7).getTime(), '09:05:07'],
    [new Date(2025, 0, 2, 23, 59, 59, 999).getTime(), '23:59:59'],
    [new Date(2025, 0, 2, 0, 0, 0).getTime(), '00:00:00'],
  ])('%d → %s', (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });
});
