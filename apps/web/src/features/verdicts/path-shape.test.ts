import { describe, expect, it } from 'vitest';
import { shapePath } from './path-shape';

const segments = ['last-mile', 'edge', 'lb', 'app'];
const legs = [
  { name: 'edge', covers: ['edge', 'lb', 'app', 'edge:entry'] },
  { name: 'lb', covers: ['lb', 'app', 'lb:entry'] },
  { name: 'app', covers: ['app', 'app:entry'] },
];

describe('shapePath', () => {
  it('highlights the suspects and draws each leg over the segments it covers', () => {
    const shape = shapePath(segments, legs, {
      dropped: ['edge', 'lb'],
      clean: ['app'],
      unknown: [],
      suspects: ['lb', 'lb:entry'],
    });
    expect(shape.columns.filter((c) => c.suspect).map((c) => c.segment)).toEqual(['lb']);
    expect(shape.rows).toEqual([
      {
        leg: 'edge',
        role: 'dropped',
        covered: [false, true, true, true],
        entry: { suspect: false },
        firstColumn: 1,
      },
      {
        leg: 'lb',
        role: 'dropped',
        covered: [false, false, true, true],
        entry: { suspect: true },
        firstColumn: 2,
      },
      {
        leg: 'app',
        role: 'clean',
        covered: [false, false, false, true],
        entry: { suspect: false },
        firstColumn: 3,
      },
    ]);
    expect(shape.otherSuspects).toEqual([]);
  });

  it.each([
    [{ dropped: [], clean: ['edge', 'lb', 'app'], unknown: [], suspects: ['last-mile'] }, ['last-mile'], []],
    [
      { dropped: ['edge'], clean: [], unknown: ['lb', 'app'], suspects: ['edge', 'mystery'] },
      ['edge'],
      ['mystery'],
    ],
  ])('suspects %j', (verdict, highlighted, other) => {
    const shape = shapePath(segments, legs, verdict);
    expect(shape.columns.filter((c) => c.suspect).map((c) => c.segment)).toEqual(highlighted);
    expect(shape.otherSuspects).toEqual(other);
  });

  it('marks legs the verdict does not mention as absent, and legs with non-nested covers cell by cell', () => {
    const shape = shapePath(segments, [{ name: 'odd', covers: ['edge', 'app'] }], {
      dropped: [],
      clean: [],
      unknown: [],
      suspects: [],
    });
    expect(shape.rows[0]).toEqual({
      leg: 'odd',
      role: 'absent',
      covered: [false, true, false, true],
      entry: null,
      firstColumn: 1,
    });
  });

  it('marks the vantage segments, the outermost of a path shared by several hopwatch instances', () => {
    const shape = shapePath(
      ['vantage:home', 'vantage:vps', 'last-mile', 'lb'],
      [
        { name: 'home-lb', covers: ['vantage:home', 'lb', 'home-lb:entry'] },
        { name: 'vps-lb', covers: ['vantage:vps', 'lb', 'vps-lb:entry'] },
      ],
      { dropped: ['home-lb'], clean: ['vps-lb'], unknown: [], suspects: ['vantage:home', 'home-lb:entry'] },
    );
    expect(shape.columns).toEqual([
      { segment: 'vantage:home', suspect: true, vantage: true },
      { segment: 'vantage:vps', suspect: false, vantage: true },
      { segment: 'last-mile', suspect: false },
      { segment: 'lb', suspect: false },
    ]);
    expect(shape.rows.map((r) => r.covered)).toEqual([
      [true, false, false, true],
      [false, true, false, true],
    ]);
  });
});
