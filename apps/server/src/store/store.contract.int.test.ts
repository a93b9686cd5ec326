// The one Store contract suite, run against SQLite (a file in a temp dir) and PostgreSQL (a real server
// started for this file, a fresh database per test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore } from './postgres/postgres-store.js';
import { type PostgresServer, startPostgres } from './postgres/throwaway-server.js';
import { openSqliteStore } from './sqlite-store.js';
import { describeStoreContract } from './test-support/store-contract.js';

describeStoreContract({
  name: 'SQLite',
  async space() {
    const dir = mkdtempSync(join(tmpdir(), 'hopwatch-contract-'));
    const path = join(dir, 'hopwatch.db');
    return {
      open: async (options) => openSqliteStore(path, options),
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});

let server: PostgresServer | null = null;
const VANTAGE = 'home';
describeStoreContract({
  name: 'PostgreSQL',
  vantage: VANTAGE,
  async start() {
    server = await startPostgres();
  },
  async stop() {
    await server?.stop();
  },
  async space() {
    if (!server) throw new Error('PostgreSQL did not start');
    const url = await server.createDatabase();
    return {
      open: (options) => openPostgresStore(url, { ...options, vantage: VANTAGE }),
      remove: async () => {},
    };
  },
});
