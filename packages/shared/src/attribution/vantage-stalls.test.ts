import { describe, expect, it } from 'vitest';
import { atVantages, legFacts, nestedTarget } from './test-support/fixtures.js';
import type { ProberStall } from './types.js';
import { stallBearsOn, stalledProberOf } from './vantage-stalls.js';

const alone = nestedTarget('lab', ['last-mile', 'edge', 'lb', 'app'], { edge: 'edge', lb: 'lb', app: 'app' });
const shared = atVantages(alone, { edge: 'home', lb: 'home', app: 'vps' });

describe('stalledProberOf', () => {
  const stall = (vantage?: string): ProberStall => ({
    ts: 0,
    delayMs: 1_000,
    ...(vantage ? { vantage } : {}),
  });

  it.each<[string, ProberStall, { vantage?: string }, boolean]>([
    ['hopwatch alone: every stall is every leg', stall(), legFacts('edge', ['edge']), true],
    ['a stall at the vantage of the leg', stall('home'), { vantage: 'home' }, true],
    ['a stall at another vantage', stall('vps'), { vantage: 'home' }, false],
  ])('%s', (_name, s, leg, expected) => {
    expect(stalledProberOf(s, leg)).toBe(expected);
  });
});

describe('stallBearsOn', () => {
  it.each<[string, typeof shared, string[], (string | undefined)[], (string | undefined)[]]>([
    ['hopwatch alone', alone, ['edge'], [undefined], []],
    ['witnesses at home only', shared, ['edge', 'lb'], ['home'], ['vps', 'elsewhere', undefined]],
    ['witnesses at both', shared, ['edge', 'app'], ['home', 'vps'], ['elsewhere']],
    ['no witness at all: every stall', shared, [], ['home', 'vps', 'elsewhere'], []],
    ['a witness this target does not know counts as none', shared, ['gone'], ['vps'], []],
  ])('%s', (_name, target, witnesses, bearing, notBearing) => {
    const bears = stallBearsOn(target, witnesses);
    for (const vantage of bearing) expect(bears(vantage), `${vantage}`).toBe(true);
    for (const vantage of notBearing) expect(bears(vantage), `${vantage}`).toBe(false);
  });
});
