import { describe, expect, it } from 'vitest';
import type { LegConfig, TargetConfig } from '../config/types.js';
import { mergeVantages, type StoredLeg, vantageOf, withVantage } from './vantage-targets.js';

const HEARTBEAT: LegConfig['heartbeat'] = {
  mode: 'ping',
  intervalMs: 1_000,
  timeoutMs: 2_000,
  send: '',
  expect: '',
};

function leg(name: string, covers: string[]): LegConfig {
  return {
    name,
    url: `ws://127.0.0.1:9/${name}`,
    enters: null,
    covers,
    headers: {},
    subprotocols: [],
    origin: null,
    tls: { insecure: false, ca: null, servername: null },
    heartbeat: HEARTBEAT,
    reconnect: { initialMs: 1_000, maxMs: 60_000 },
    open: [],
  };
}

const api: TargetConfig = {
  name: 'api',
  segments: ['last-mile', 'edge', 'app'],
  correlationWindowMs: 7_000,
  legs: [leg('edge', ['edge', 'app', 'edge:entry']), leg('direct', ['app', 'direct:entry'])],
};

describe('withVantage', () => {
  it('makes every leg cover its vantage, and the vantage the outermost segment', () => {
    const [home] = withVantage([api], 'home');
    expect(home?.segments).toEqual(['vantage:home', 'last-mile', 'edge', 'app']);
    expect(home?.legs.map((l) => l.covers)).toEqual([
      ['vantage:home', 'edge', 'app', 'edge:entry'],
      ['vantage:home', 'app', 'direct:entry'],
    ]);
    expect(home?.legs.map(vantageOf)).toEqual(['home', 'home']);
    expect(withVantage(withVantage([api], 'home'), 'home')).toEqual(withVantage([api], 'home'));
  });
});

describe('mergeVantages', () => {
  const vpsEdge: StoredLeg = {
    target: 'api',
    vantage: 'vps',
    name: 'vps-edge',
    url: 'ws://***@edge/ws',
    enters: 'edge',
    covers: ['vantage:vps', 'edge', 'app', 'vps-edge:entry'],
    heartbeat: HEARTBEAT,
  };

  it.each([
    {
      name: 'adds the other vantages legs and segments of the same target',
      stored: [vpsEdge],
      segments: ['vantage:vps', 'vantage:home', 'last-mile', 'edge', 'app'],
      legs: ['edge', 'direct', 'vps-edge'],
    },
    {
      name: 'ignores legs of targets this instance does not have, and its own stored legs',
      stored: [
        { ...vpsEdge, target: 'web' },
        { ...vpsEdge, vantage: 'home', name: 'edge' },
      ],
      segments: ['vantage:home', 'last-mile', 'edge', 'app'],
      legs: ['edge', 'direct'],
    },
  ])('$name', ({ stored, segments, legs }) => {
    const [merged] = mergeVantages(withVantage([api], 'home'), stored);
    expect(merged?.segments).toEqual(segments);
    expect(merged?.legs.map((l) => l.name)).toEqual(legs);
  });
});
