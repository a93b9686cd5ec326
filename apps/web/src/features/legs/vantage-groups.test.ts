import { describe, expect, it } from 'vitest';
import { groupByVantage, isVantageSegment, vantageOf } from './vantage-groups';

const leg = (name: string, covers: string[]) => ({ name, covers });

describe('groupByVantage', () => {
  it.each([
    {
      name: 'one instance: a single group of no vantage',
      legs: [leg('edge', ['edge', 'edge:entry']), leg('app', ['app', 'app:entry'])],
      groups: [{ vantage: null, legs: ['edge', 'app'] }],
    },
    {
      name: 'two vantages, interleaved: grouped in order of first appearance, indexes kept',
      legs: [
        leg('home-lb', ['vantage:home', 'lb']),
        leg('vps-lb', ['vantage:vps', 'lb']),
        leg('home-app', ['vantage:home', 'app']),
      ],
      groups: [
        { vantage: 'home', legs: ['home-lb', 'home-app'] },
        { vantage: 'vps', legs: ['vps-lb'] },
      ],
    },
  ])('$name', ({ legs, groups }) => {
    const grouped = groupByVantage(legs);
    expect(grouped.map((g) => ({ vantage: g.vantage, legs: g.legs.map((l) => l.leg.name) }))).toEqual(groups);
    for (const group of grouped) for (const { leg: l, index } of group.legs) expect(legs[index]).toBe(l);
  });

  it('reads a vantage off coverage and tells vantage segments apart', () => {
    expect(vantageOf(leg('x', ['vantage:vps', 'lb']))).toBe('vps');
    expect(vantageOf(leg('x', ['lb']))).toBeNull();
    expect(isVantageSegment('vantage:home')).toBe(true);
    expect(isVantageSegment('lb')).toBe(false);
  });
});
