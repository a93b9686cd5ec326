// Two PostgresStores on one real database, as two instances would hold them: seq never collides, a follower
// of the log (StoreFeed) sees every instance's events once and in order, a dead writer stops holding the
// watermark back, and vantages must agree on a shared target's segments.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../config/types.js';
import { EventBus } from '../../events/bus.js';
import { StoreFeed } from '../../events/store-feed.js';
import { until } from '../../routes/test-support/live-client.js';
import { rtt } from '../test-support/store-fixture.js';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';
import { registerVantage, storedLegs, VantageConflictError } from './targets.js';
import { type PostgresServer, startPostgres } from './throwaway-server.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
let server: PostgresServer | null = null;
const open: PostgresStore[] = [];

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
}, 60_000);
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});

async function instance(url: string, vantage: string, writerTimeoutMs?: number) {
  const store = await openPostgresStore(url, {
    retentionMs: 86_400_000,
    vantage,
    ...(writerTimeoutMs === undefined ? {} : { writerTimeoutMs }),
  });
  open.push(store);
  const bus = new EventBus(store);
  bus.subscribe((stored) => store.project(stored));
  return { store, bus };
}

describe('two writers on one store', () => {
  it('never hand out the same seq, and a follower sees every event once, in seq order', async () => {
    const url = await (server as PostgresServer).createDatabase();
    const home = await instance(url, 'home');
    const vps = await instance(url, 'vps');
    const feed = new StoreFeed({ source: home.store, startAfter: 0, pollMs: 20 });
    const followed: number[] = [];
    feed.subscribe((stored) => followed.push(stored.seq));
    const published: number[] = [];
    try {
      for (let i = 0; i < 300; i += 1) {
        // Interleaved, with turns of the event loop between, so both flush while the other publishes.
        published.push(home.bus.publish(rtt('api', 'home-lb', 'h', T0 + i, 5)).seq);
        published.push(vps.bus.publish(rtt('api', 'vps-lb', 'v', T0 + i, 6)).seq);
        if (i % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 15));
      }
      expect(new Set(published).size).toBe(published.length);
      await until(() => followed.length >= published.length, 'the follower saw every event', 30_000);
      expect(followed).toEqual([...published].sort((a, b) => a - b));
      expect((await vps.store.after(0, 10_000)).map((e) => e.seq)).toEqual(followed);
    } finally {
      feed.close();
    }
  });

  it('holds the log back while a writer is alive and behind, and not once it is gone', async () => {
    const url = await (server as PostgresServer).createDatabase();
    const home = await instance(url, 'home', 1_000);
    const vps = await instance(url, 'vps', 1_000);
    const homeSeq = home.bus.publish(rtt('api', 'home-lb', 'h', T0, 5)).seq;
    const vpsSeq = vps.bus.publish(rtt('api', 'vps-lb', 'v', T0, 6)).seq;
    // vps registered after home: its block is above home's, and home's low water holds it back until home
    // has flushed past it.
    expect(vpsSeq).toBeGreaterThan(homeSeq);
    await until(async () => (await vps.store.after(0, 10)).length === 2, 'both events final', 10_000);
    // A writer behind everyone (low water 1) that is alive holds every later event back; once it stops
    // being heard from (killed: its seen_at ages past the timeout), it no longer counts.
    await vps.store.pool.query(
      "INSERT INTO writers (id, vantage, low_water, seen_at) VALUES ('ghost', 'ghost', 1, now() + interval '1 hour')",
    );
    const late = vps.bus.publish(rtt('api', 'vps-lb', 'v', T0 + 1, 7)).seq;
    expect((await vps.store.after(0, 10)).map((e) => e.seq)).toEqual([]);
    await vps.store.pool.query("UPDATE writers SET seen_at = now() - interval '1 hour' WHERE id = 'ghost'");
    await until(
      async () => (await vps.store.after(0, 10)).some((e) => e.seq === late),
      'the new event final once the ghost writer stopped counting',
      15_000,
    );
  });
});

describe('vantages sharing a target', () => {
  const target = (segments: string[], legs: string[]): TargetConfig => ({
    name: 'api',
    segments,
    correlationWindowMs: 5_000,
    legs: legs.map((name) => ({
      name,
      url: `ws://user:secret@127.0.0.1:9/${name}`,
      enters: 'lb',
      covers: ['lb', 'app', `${name}:entry`],
      headers: {},
      subprotocols: [],
      origin: null,
      tls: { insecure: false, ca: null, servername: null },
      heartbeat: { mode: 'ping', intervalMs: 1_000, timeoutMs: 2_000, send: '', expect: '' },
      reconnect: { initialMs: 1_000, maxMs: 60_000 },
      open: [],
    })),
  });

  it('must agree on its segments and use leg names of their own; the URLs are stored redacted', async () => {
    const url = await (server as PostgresServer).createDatabase();
    const home = await instance(url, 'home');
    await registerVantage(home.store.pool, 'home', [target(['last-mile', 'lb', 'app'], ['home-lb'])]);
    await expect(
      registerVantage(home.store.pool, 'vps', [target(['last-mile', 'edge', 'lb', 'app'], ['vps-lb'])]),
    ).rejects.toThrow(
      new VantageConflictError(
        'target "api" has segments [last-mile, edge, lb, app] here (vantage vps) but [last-mile, lb, app] at ' +
          'vantage home: instances sharing a target name must agree on its segments',
      ),
    );
    await expect(
      registerVantage(home.store.pool, 'vps', [target(['last-mile', 'lb', 'app'], ['home-lb'])]),
    ).rejects.toThrow(/leg "home-lb" of target "api" is already probed from vantage home/);
    await registerVantage(home.store.pool, 'vps', [target(['last-mile', 'lb', 'app'], ['vps-lb'])]);
    // A vantage alone may change its own target's segments (it is the only one probing it).
    const legs = await storedLegs(home.store.pool);
    expect(legs.map((l) => [l.vantage, l.name])).toEqual([
      ['home', 'home-lb'],
      ['vps', 'vps-lb'],
    ]);
    expect(legs[0]?.url).toBe('ws://***@127.0.0.1:9/home-lb');
  });
});
