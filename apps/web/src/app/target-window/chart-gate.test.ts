import { describe, expect, it } from 'vitest';
import {
  type ChartGate,
  EMPTY_GATE,
  isPlaced,
  nextToDraw,
  type Sighting,
  withDrawn,
  withSightings,
} from './chart-gate';

const LEGS = ['edge', 'lb', 'app', 'db'];

function gate(reported: string[], drawn: string[]): ChartGate {
  return { reported: new Set(reported), drawn: new Set(drawn) };
}
const seen = (g: ChartGate) => ({ reported: [...g.reported].sort(), drawn: [...g.drawn].sort() });

describe('withSightings', () => {
  it.each<{ name: string; before: ChartGate; sightings: Sighting[]; reported: string[]; drawn: string[] }>([
    {
      name: 'the first report draws the rows in view and only those',
      before: EMPTY_GATE,
      sightings: [
        { leg: 'edge', inView: true },
        { leg: 'lb', inView: true },
        { leg: 'app', inView: false },
        { leg: 'db', inView: false },
      ],
      reported: ['app', 'db', 'edge', 'lb'],
      drawn: ['edge', 'lb'],
    },
    {
      name: 'a row scrolled into view is drawn',
      before: gate(LEGS, ['edge']),
      sightings: [{ leg: 'db', inView: true }],
      reported: ['app', 'db', 'edge', 'lb'],
      drawn: ['db', 'edge'],
    },
    {
      name: 'a row scrolled out of view stays drawn',
      before: gate(LEGS, ['edge', 'lb']),
      sightings: [{ leg: 'edge', inView: false }],
      reported: ['app', 'db', 'edge', 'lb'],
      drawn: ['edge', 'lb'],
    },
    {
      name: 'a row added later is reported on its own',
      before: gate(['edge'], ['edge']),
      sightings: [{ leg: 'lb', inView: false }],
      reported: ['edge', 'lb'],
      drawn: ['edge'],
    },
  ])('$name', ({ before, sightings, reported, drawn }) => {
    expect(seen(withSightings(before, sightings))).toEqual({ reported, drawn });
  });

  it('gives back the very gate when nothing changes, so the page does not redraw', () => {
    const before = gate(LEGS, ['edge']);
    expect(
      withSightings(before, [
        { leg: 'edge', inView: true },
        { leg: 'lb', inView: false },
      ]),
    ).toBe(before);
  });
});

describe('isPlaced', () => {
  it.each([
    { name: 'nothing is known before the first report', g: EMPTY_GATE, legs: LEGS, placed: false },
    { name: 'every row reported', g: gate(LEGS, []), legs: LEGS, placed: true },
    { name: 'a row not reported yet', g: gate(['edge', 'lb', 'app'], []), legs: LEGS, placed: false },
    { name: 'a page without legs', g: EMPTY_GATE, legs: [], placed: true },
  ])('$name', ({ g, legs, placed }) => {
    expect(isPlaced(g, legs)).toBe(placed);
  });
});

describe('nextToDraw and withDrawn: the idle fill', () => {
  it('draws the rows below the fold one at a time, in page order, then stops', () => {
    let g = gate(LEGS, ['edge', 'lb']);
    const order: string[] = [];
    for (let leg = nextToDraw(g, LEGS); leg !== null; leg = nextToDraw(g, LEGS)) {
      order.push(leg);
      g = withDrawn(g, leg);
    }
    expect(order).toEqual(['app', 'db']);
    expect(withDrawn(g, 'db')).toBe(g);
  });
});
