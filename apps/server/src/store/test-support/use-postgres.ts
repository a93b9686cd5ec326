// One throwaway PostgreSQL for a test file (store/postgres/throwaway-server.ts): started before its tests,
// stopped after them. Each test takes a fresh database of its own from it (`createDatabase`).
import { afterAll, beforeAll } from 'vitest';
import { type PostgresServer, startPostgres } from '../postgres/throwaway-server.js';

/** Returns the running server; call it inside a test. */
export function usePostgres(): () => PostgresServer {
  let server: PostgresServer | null = null;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);
  return () => {
    if (server === null) throw new Error('PostgreSQL did not start');
    return server;
  };
}
