import { describe, expect, it } from 'vitest';
import { faviconUrl, tabState } from './tab-state';

const legs = (...states: ('up' | 'connecting' | 'down')[]) => states.map((state) => ({ state }));

describe('tabState', () => {
  it.each([
    { name: 'loading', targets: undefined, title: 'hopwatch', level: 'unknown' },
    { name: 'all up', targets: [{ name: 'lab', legs: legs('up', 'up') }], title: 'hopwatch', level: 'ok' },
    {
      name: 'one down',
      targets: [{ name: 'lab', legs: legs('up', 'down', 'up') }],
      title: '▼ 1 down · lab — hopwatch',
      level: 'down',
    },
    {
      name: 'connecting is degraded, not down',
      targets: [{ name: 'lab', legs: legs('up', 'connecting') }],
      title: 'hopwatch',
      level: 'degraded',
    },
    {
      name: 'down across targets',
      targets: [
        { name: 'a', legs: legs('down') },
        { name: 'b', legs: legs('up') },
        { name: 'c', legs: legs('down', 'down') },
      ],
      title: '▼ 3 down · a, c — hopwatch',
      level: 'down',
    },
    {
      name: 'many targets down are shortened',
      targets: ['a', 'b', 'c', 'd'].map((name) => ({ name, legs: legs('down') })),
      title: '▼ 4 down · a, b +2 — hopwatch',
      level: 'down',
    },
  ])('$name', ({ targets, title, level }) => {
    expect(tabState(targets as never)).toEqual({ title, level });
  });

  it('names the page when asked', () => {
    expect(tabState([{ name: 'lab', legs: legs('down') }], 'wall').title).toBe(
      '▼ 1 down · lab — wall — hopwatch',
    );
  });
});

describe('faviconUrl', () => {
  it('draws a triangle when down and a dot otherwise', () => {
    expect(decodeURIComponent(faviconUrl('down'))).toContain('<path');
    expect(decodeURIComponent(faviconUrl('ok'))).toContain('<circle');
  });
});
