import { describe, expect, it } from 'vitest';
import { findSuspects } from './suspects.js';
import { T3 } from './test-support/fixtures.js';

describe('findSuspects', () => {
  it.each<[string, string[], string[], boolean, string[]]>([
    ['nothing dropped and nothing reported: nothing is suspect', [], ['cloudflare'], false, []],
    [
      'no clean leg: everything the dropped leg crosses',
      ['internal'],
      [],
      false,
      ['traefik', 'dispatch', 't3-serve', 'internal:entry'],
    ],
    [
      'segments covered by every dropped leg only',
      ['cloudflare', 'internal'],
      [],
      false,
      ['traefik', 'dispatch', 't3-serve'],
    ],
    [
      'minus any segment a clean leg crosses',
      ['cloudflare', 'internal'],
      ['t3serve'],
      false,
      ['traefik', 'dispatch'],
    ],
    [
      'the inner leg dropping alone while outer legs stayed up clears every shared hop',
      ['t3serve'],
      ['cloudflare', 'internal'],
      false,
      ['t3serve:entry'],
    ],
    [
      'an outer leg clean while an inner leg dropped leaves no suspect',
      ['cloudflare', 't3serve'],
      ['internal'],
      false,
      [],
    ],
    [
      'a report with every leg clean: the segments no leg crosses',
      [],
      ['cloudflare', 'internal', 't3serve'],
      true,
      ['last-mile'],
    ],
    [
      'a report with no leg known: every segment',
      [],
      [],
      true,
      ['last-mile', 'cloudflare', 'tunnel', 'traefik', 'dispatch', 't3-serve'],
    ],
    ["a report never blames a leg's private entry", ['internal'], ['cloudflare', 't3serve'], true, []],
    ['unknown legs names are ignored', ['ghost'], [], false, []],
  ])('%s', (_name, dropped, clean, reported, suspects) => {
    expect(findSuspects({ target: T3, dropped, clean, reported })).toEqual(suspects);
  });
});
