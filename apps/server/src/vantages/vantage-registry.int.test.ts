// Vantages sharing a PostgreSQL store must agree on a shared target's segments and use leg names of their own
// (checked at start against what is stored), and record their legs for the others with URLs redacted.
import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../config/types.js';
import { openPostgresStore } from '../store/postgres/postgres-store.js';
import { usePostgres } from '../store/test-support/use-postgres.js';
import { registerVantage, storedLegs, VantageConflictError } from './vantage-registry.js';

const postgres = usePostgres();

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
    const url = await postgres().createDatabase();
    const store = await openPostgresStore(url, { retentionMs: 86_400_000, vantage: 'home' });
    const home = { store };
    try {
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
    } finally {
      await store.close();
    }
  });
});
