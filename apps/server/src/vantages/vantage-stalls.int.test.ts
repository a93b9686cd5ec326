// A stall is the vantage's that recorded it. Two instances, `home` and `vps`, share a real PostgreSQL store,
// each writing its own legs' sessions and heartbeats through its own bus; one of them records an event-loop
// stall over the heartbeats at a drop. The judge (on home's bus, with the targets joinVantages merges) must find
// that vantage's legs unknown and the other vantage's clean, and count the stall against the verdict only when
// the stalled vantage's legs are part of its evidence.
import type { Verdict } from '@hopwatch/shared/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Judge } from '../attribution/judge.js';
import type { TargetConfig } from '../config/types.js';
import { EventBus } from '../events/bus.js';
import { until } from '../routes/test-support/live-client.js';
import { openPostgresStore, type PostgresStore } from '../store/postgres/postgres-store.js';
import { closedSession, rtt, sessionOpen } from '../store/test-support/store-fixture.js';
import { usePostgres } from '../store/test-support/use-postgres.js';
import { joinVantages, type SharedVantages } from './shared-vantages.js';

const WINDOW_MS = 400;
const HEARTBEAT = { intervalMs: 100, timeoutMs: 300 };
const STALLED = '1 heartbeat taken while hopwatch stalled';

const postgres = usePostgres();
const closers: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  // Last opened, first closed: the judge and the vantages before the stores they read.
  for (const close of closers.splice(0).reverse()) await close();
});

/** Target `api` as one vantage configures it: its `lb` and `app` legs, named after the vantage. */
function targetAt(vantage: string): TargetConfig {
  return {
    name: 'api',
    segments: ['last-mile', 'lb', 'app'],
    correlationWindowMs: WINDOW_MS,
    legs: (['lb', 'app'] as const).map((enters) => ({
      name: `${vantage}-${enters}`,
      url: `ws://127.0.0.1:9/${vantage}-${enters}`,
      enters,
      covers: enters === 'lb' ? ['lb', 'app', `${vantage}-lb:entry`] : ['app', `${vantage}-app:entry`],
      headers: {},
      subprotocols: [],
      origin: null,
      tls: { insecure: false, ca: null, servername: null },
      heartbeat: { mode: 'ping', ...HEARTBEAT, send: '', expect: '' },
      reconnect: { initialMs: 1_000, maxMs: 60_000 },
      open: [],
    })),
  };
}

interface Instance {
  vantage: string;
  store: PostgresStore;
  bus: EventBus;
  shared: SharedVantages;
}

/** An instance as runtime.ts wires one on a shared store: its store, its bus, and joined to the others. */
async function instance(url: string, vantage: string): Promise<Instance> {
  const store = await openPostgresStore(url, { retentionMs: 86_400_000, vantage });
  closers.push(() => store.close());
  const bus = new EventBus(store);
  bus.subscribe((stored) => store.project(stored), { rtt: (batch) => store.projectRtt(batch) });
  const shared = await joinVantages(store, () => [targetAt(vantage)]);
  closers.push(() => shared.close());
  return { vantage, store, bus, shared };
}

/** A leg up from `from`, every heartbeat answered until `to` (samples may lie in the future). */
function legUp(at: Instance, leg: string, from: number, to: number): string {
  const id = `${leg}-up`;
  at.bus.publish(sessionOpen('api', leg, id, from));
  for (let ts = from, seq = 1; ts <= to; ts += HEARTBEAT.intervalMs, seq += 1) {
    at.bus.publish(rtt('api', leg, id, ts, 2, { seq }));
  }
  return id;
}

/**
 * home's `lb` leg drops (reset) at about now while the other three legs stay up and answer, and `stalled`
 * records a stall of its event loop over every leg's heartbeat at the drop. Returns the final verdict judged on
 * home, the instance holding the lease.
 */
async function dropWhileStalled(stalled: 'home' | 'vps'): Promise<Verdict> {
  const url = await postgres().createDatabase();
  // vps joins first, so home's snapshot of the stored legs already holds both vantages'.
  const vps = await instance(url, 'vps');
  const home = await instance(url, 'home');
  const targets = () => home.shared.targets([targetAt('home')]);
  expect(
    targets()[0]
      ?.legs.map((leg) => leg.name)
      .sort(),
  ).toEqual(['home-app', 'home-lb', 'vps-app', 'vps-lb']);

  const at = Date.now();
  // Heartbeats every 100 ms from 5 s back land on `at` itself: the reply that proves a clean leg.
  const from = at - 5_000;
  const homeLb = legUp(home, 'home-lb', from, at - HEARTBEAT.intervalMs);
  legUp(home, 'home-app', from, at + 2_000);
  legUp(vps, 'vps-lb', from, at + 2_000);
  legUp(vps, 'vps-app', from, at + 2_000);
  // Noticed 50 ms after the drop, 500 ms long: the heartbeats answered at `at` were out during it.
  const stall = { ts: at + 50, delayMs: 500 };
  (stalled === 'home' ? home : vps).bus.publish({
    kind: 'prober_stall',
    ts: stall.ts,
    target: null,
    leg: null,
    delayMs: stall.delayMs,
    thresholdMs: 250,
  });
  // The other instance's rows reach the store on its own schedule: judge only once home can read them all.
  await until(async () => {
    const [stalls, samples] = await Promise.all([
      home.store.stalls({ from: at, to: at + 1_000 }),
      home.store.rttSamples({ target: 'api', from: at, to: at + 1 }),
    ]);
    return stalls.length === 1 && samples.length === 3;
  }, "both vantages' heartbeats and the stall in the shared store");
  expect(await home.store.stalls({ from: at, to: at + 1_000 })).toEqual([{ ...stall, vantage: stalled }]);

  const finals: Verdict[] = [];
  home.bus.subscribe(({ event }) => {
    if (event.kind === 'verdict' && event.verdict.final) finals.push(event.verdict);
  });
  const judge = new Judge({ bus: home.bus, store: home.store, targets });
  closers.push(() => judge.close());
  home.bus.publish({
    kind: 'session_close',
    ts: at,
    target: 'api',
    leg: 'home-lb',
    session: closedSession('api', 'home-lb', homeLb, from, at, { cause: 'reset' }),
  });
  await until(() => finals.length > 0, "the drop's final verdict");
  return finals[0] as Verdict;
}

describe('a stall at one of several vantages', () => {
  it("voids the stalled vantage's heartbeats only, and is no evidence against a verdict resting on the other's", async () => {
    const verdict = await dropWhileStalled('vps');
    expect(verdict.dropped).toEqual(['home-lb']);
    expect(verdict.clean).toEqual(['home-app']);
    expect([...verdict.unknown].sort()).toEqual(['vps-app', 'vps-lb']);
    expect(verdict.reasons).toMatchObject({ 'vps-lb': STALLED, 'vps-app': STALLED });
    // home-app clears vantage:home and app: what only home-lb crosses is left
    expect(verdict.suspects).toEqual(['lb', 'home-lb:entry']);
    expect(verdict.confidence).toBe('low');
    expect(verdict.signatures.map((s) => s.id)).not.toContain('prober-stall');
  });

  it("voids the stalled vantage's heartbeats and makes the verdict resting on its legs inconclusive", async () => {
    const verdict = await dropWhileStalled('home');
    expect(verdict.dropped).toEqual(['home-lb']);
    expect([...verdict.clean].sort()).toEqual(['vps-app', 'vps-lb']);
    expect(verdict.unknown).toEqual(['home-app']);
    expect(verdict.reasons).toMatchObject({ 'home-app': STALLED });
    expect(verdict.confidence).toBe('inconclusive');
    expect(verdict.signatures.find((s) => s.id === 'prober-stall')?.evidence).toEqual([
      expect.stringMatching(/^hopwatch's event loop stalled 500ms at .* \(vantage home\)$/),
    ]);
  });
});
