import { describe, expect, it } from 'vitest';
import { finality, legReasons } from './verdict-text';

describe('finality', () => {
  it.each([
    [{ final: false, kind: 'cluster' as const }, /^provisional: /],
    [{ final: true, kind: 'cluster' as const }, null],
  ])('%o', (verdict, expected) => {
    const text = finality(verdict);
    if (expected === null) expect(text).toBeNull();
    else expect(text).toMatch(expected);
  });
});

describe('legReasons', () => {
  it.each<[string, Record<string, string> | undefined, string[], (string | null)[]]>([
    ['a dropped leg reads its cause', { lb: 'heartbeat_timeout' }, ['lb'], ['heartbeat timeout']],
    ['several causes', { edge: 'reset, connect_failed' }, ['edge'], ['reset, connect failed']],
    ['an unknown leg reads its reason', { app: 'already down' }, ['app'], ['already down']],
    ['a verdict stored before reasons says nothing', undefined, ['lb'], [null]],
  ])('%s', (_name, reasons, legs, expected) => {
    expect(legReasons({ reasons }, legs).map((r) => r.reason)).toEqual(expected);
  });
});
