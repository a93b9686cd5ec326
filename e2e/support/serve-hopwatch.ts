// One real hopwatch for a whole spec file: started before its first test with the given config, stopped
// after its last, and its log attached to any test that failed.
import { test } from '@playwright/test';
import { HopwatchServer } from './hopwatch-server.js';

/** Registers the hooks; the returned function gives the running server inside a test. */
export function serveHopwatch(config: string): () => HopwatchServer {
  let server: HopwatchServer | undefined;
  test.beforeAll(async () => {
    server = await HopwatchServer.start({ config });
  });
  test.afterAll(async () => {
    await server?.dispose();
  });
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixtures
  test.afterEach(async ({}, testInfo) => {
    if (server && testInfo.status !== testInfo.expectedStatus)
      await testInfo.attach('server.log', { body: server.log() });
  });
  return () => {
    if (!server) throw new Error('hopwatch is not running (serveHopwatch hooks run around tests only)');
    return server;
  };
}
