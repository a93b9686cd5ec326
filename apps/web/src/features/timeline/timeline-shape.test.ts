import { describe, expect, it } from 'vitest';
import { sessionFixture } from '../../test-support/session';
import {
  type DropMark,
  type StripSegment,
  shapeTimeline,
  stateAt,
  type TimelineInput,
} from './timeline-shape';

const session = sessionFixture;

const base: TimelineInput = { sessions: [], from: 0, to: 100, now: 100, current: null, truncated: false };
const seg = (from: number, to: number, state: StripSegment['state']): StripSegment => ({ from, to, state });

describe('shapeTimeline segments', () => {
  it.each<[string, Partial<TimelineInput>, StripSegment[]]>([
    ['no sessions at all', {}, [seg(0, 100, 'off')]],
    ['one session open across the window', { sessions: [session('a', -50, null)] }, [seg(0, 100, 'up')]],
    [
      'a drop, a gap while reconnecting, a new session',
      { sessions: [session('b', 60, null), session('a', 10, 40, 'reset')] },
      [seg(0, 10, 'off'), seg(10, 40, 'up'), seg(40, 60, 'down'), seg(60, 100, 'up')],
    ],
    [
      'a session hopwatch closed itself leaves a gap that is off, not down',
      { sessions: [session('b', 60, null), session('a', 0, 40, null)] },
      [seg(0, 40, 'up'), seg(40, 60, 'off'), seg(60, 100, 'up')],
    ],
    [
      'failed attempts keep the gap down',
      {
        sessions: [
          session('c', 70, null),
          session('x2', 55, 55, 'connect_failed'),
          session('x1', 45, 45, 'handshake_rejected'),
          session('a', 0, 40, 'remote_close'),
        ],
      },
      [seg(0, 40, 'up'), seg(40, 70, 'down'), seg(70, 100, 'up')],
    ],
    [
      'the live tail shows the current state after the drop',
      {
        sessions: [session('a', 0, 50, 'heartbeat_timeout')],
        current: { state: 'connecting', since: 80 },
      },
      [seg(0, 50, 'up'), seg(50, 80, 'down'), seg(80, 100, 'connecting')],
    ],
    [
      'a window ending in the future stops at now',
      { sessions: [session('a', 0, null)], to: 200, now: 100 },
      [seg(0, 100, 'up')],
    ],
    [
      'a truncated page is unknown before its oldest session',
      { sessions: [session('b', 60, null), session('a', 30, 50, 'reset')], truncated: true },
      [seg(0, 30, 'unknown'), seg(30, 50, 'up'), seg(50, 60, 'down'), seg(60, 100, 'up')],
    ],
    [
      'sessions outside the window are clipped to it',
      { sessions: [session('b', 90, 150, 'reset'), session('a', -30, 20, 'reset')], now: 200 },
      [seg(0, 20, 'up'), seg(20, 90, 'down'), seg(90, 100, 'up')],
    ],
  ])('%s', (_name, input, segments) => {
    expect(shapeTimeline({ ...base, ...input }).segments).toEqual(segments);
  });
});

describe('shapeTimeline drops', () => {
  it('marks drops and failed attempts in the window, oldest first, with their cause', () => {
    const shape = shapeTimeline({
      ...base,
      sessions: [
        session('d', 80, 95, 'reset'),
        session('c', 70, 70, 'connect_failed'),
        session('b', 20, 60, null),
        session('a', -20, -5, 'reset'),
      ],
    });
    expect(shape.drops).toEqual<DropMark[]>([
      { sessionId: 'c', at: 70, cause: 'connect_failed', suspect: false, attempt: true },
      { sessionId: 'd', at: 95, cause: 'reset', suspect: false, attempt: false },
    ]);
  });
});

describe('stateAt', () => {
  it.each([
    [5, 'off'],
    [25, 'up'],
    [45, 'down'],
    [100, 'up'],
  ])('at %d the leg was %s', (t, state) => {
    const shape = shapeTimeline({
      ...base,
      sessions: [session('b', 60, null), session('a', 10, 40, 'reset')],
    });
    expect(stateAt(shape, t)).toBe(state);
  });
});
