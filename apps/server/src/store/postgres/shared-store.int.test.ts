// Two PostgresStores on one real database, as two instances would hold them: seq never collides, a follower
// of the log (StoreFeed) sees every instance's events once and in order, a dead writer stops holding the
// watermark back.
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../events/bus.js';
import { StoreFeed } from '../../events/store-feed.js';
import { rtt } from '../test-support/store-fixture.js';
import { usePostgres } from '../test-support/use-postgres.js';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const postgres = usePostgres();
const open: PostgresStore[] = [];

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
    const url = await postgres().createDatabase();
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
      await vi.waitFor(() => expect(followed.length).toBeGreaterThanOrEqual(published.length), {
        timeout: 30_000,
        interval: 20,
      });
      expect(followed).toEqual([...published].sort((a, b) => a - b));
      expect((await vps.store.after(0, 10_000)).map((e) => e.seq)).toEqual(followed);
    } finally {
      feed.close();
    }
  });

  it('holds the log back while a writer is alive and behind, and not once it is gone', async () => {
    const url = await postgres().createDatabase();
    const home = await instance(url, 'home', 1_000);
    const vps = await instance(url, 'vps', 1_000);
    const homeSeq = home.bus.publish(rtt('api', 'home-lb', 'h', T0, 5)).seq;
    const vpsSeq = vps.bus.publish(rtt('api', 'vps-lb', 'v', T0, 6)).seq;
    // vps registered after home: its block is above home's, and home's low water holds it back until home
    // has flushed past it.
    expect(vpsSeq).toBeGreaterThan(homeSeq);
    await vi.waitFor(async () => expect(await vps.store.after(0, 10)).toHaveLength(2), { timeout: 10_000 });
    // A writer behind everyone (low water 1) that is alive holds every later event back; once it stops
    // being heard from (killed: its seen_at ages past the timeout), it no longer counts.
    await vps.store.pool.query(
      "INSERT INTO writers (id, vantage, low_water, seen_at) VALUES ('ghost', 'ghost', 1, now() + interval '1 hour')",
    );
    const late = vps.bus.publish(rtt('api', 'vps-lb', 'v', T0 + 1, 7)).seq;
    expect((await vps.store.after(0, 10)).map((e) => e.seq)).toEqual([]);
    await vps.store.pool.query("UPDATE writers SET seen_at = now() - interval '1 hour' WHERE id = 'ghost'");
    // Once the ghost stopped counting, the new event is final.
    await vi.waitFor(async () => expect((await vps.store.after(0, 10)).map((e) => e.seq)).toContain(late), {
      timeout: 15_000,
    });
  });
});

describe('a database that goes away', () => {
  it('keeps what was published, says so once, and writes it all once the database is back', async () => {
    const url = await postgres().createDatabase();
    const database = new URL(url).pathname.slice(1);
    const errors: string[] = [];
    const store = await openPostgresStore(url, {
      retentionMs: 86_400_000,
      vantage: 'home',
      onError: (_error, context) => errors.push(context),
    });
    open.push(store);
    const bus = new EventBus(store);
    bus.subscribe((stored) => store.project(stored));
    const admin = new pg.Client({ connectionString: url.replace(`/${database}`, '/postgres') });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
        database,
      ]);
      const published = [1, 2, 3].map((i) => bus.publish(rtt('api', 'home-lb', 'h', T0 + i, i)).seq);
      await vi.waitFor(() => expect(errors.filter((c) => c.startsWith('flush of'))).toHaveLength(1), {
        timeout: 15_000,
      });
      // More flushes fail meanwhile (each read asks for one): none of them is reported again.
      for (let i = 0; i < 3; i += 1) await expect(store.sessions({ limit: 1 })).rejects.toThrow();
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
      await vi.waitFor(async () => expect((await store.after(0, 10)).map((e) => e.seq)).toEqual(published), {
        timeout: 15_000,
      });
      expect(errors.filter((c) => c.startsWith('flush of'))).toHaveLength(1);
      expect(errors).toContain('flush recovered');
    } finally {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => {});
      await admin.end();
    }
  });
});
