import { describe, expect, it } from 'vitest';
import { closedSession } from '../../../store/test-support/store-fixture.js';
import { remoteLegState } from './remote-leg-state.js';

const NOW = 1_000_000;

describe('remoteLegState', () => {
  it.each([
    { name: 'no session yet', sessions: [], expected: { state: 'connecting', since: NOW } },
    {
      name: 'newest session open',
      sessions: [
        { ...closedSession('api', 'vps', 'b', 500, 600), closedAt: null },
        closedSession('api', 'vps', 'a', 1, 2),
      ],
      expected: { state: 'up', since: 500 },
    },
    {
      name: 'newest session closed',
      sessions: [closedSession('api', 'vps', 'b', 500, 600)],
      expected: { state: 'down', since: 600 },
    },
  ])('$name', ({ sessions, expected }) => {
    expect(remoteLegState(sessions, NOW)).toEqual(expected);
  });
});
