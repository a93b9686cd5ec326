// A real hopwatch for a spec: one for the whole file (serveHopwatch), or a fresh one per test
// (serveHopwatchPerTest); either way its log is attached to any test that failed.
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

/** Registers the hooks for a fresh server per test; the returned function gives it inside a test. */
export function serveHopwatchPerTest(config: string): () => HopwatchServer {
  let server: HopwatchServer | undefined;
  test.beforeEach(async () => {
    server = await HopwatchServer.start({ config });
  });
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixtures
  test.afterEach(async ({}, testInfo) => {
    if (server && testInfo.status !== testInfo.expectedStatus)
      await testInfo.attach('server.log', { body: server.log() });
    await server?.dispose();
    server = undefined;
  });
  return () => {
    if (!server)
      throw new Error('hopwatch is not running (serveHopwatchPerTest hooks run around tests only)');
    return server;
  };
}

/** The built-in lab with no scheduled faults and quick heartbeats: a spec injects the faults it shows. */
export function quietLabConfig(heartbeat: { interval: string; timeout: string }): string {
  return `
lab:
  enabled: true
  schedule: []
  heartbeat: { interval: ${heartbeat.interval}, timeout: ${heartbeat.timeout} }
`;
}
