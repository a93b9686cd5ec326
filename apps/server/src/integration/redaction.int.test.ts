// Redaction of text from outside (issue 16.12): a peer's close reason carrying a secret is stored, logged and
// served redacted, end to end: a real far side, the prober, SQLite, the API and the "ws close" log line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { legConfig, target } from '../probe/test-support/harness.js';
import { type WsServer, wsServer } from '../probe/test-support/servers.js';
import { testConfig } from '../routes/test-support/test-app.js';
import { createRuntime, type Runtime } from '../runtime.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('redacts secrets in a close reason before storing, logging or serving it', async () => {
  const far: WsServer = await wsServer({
    onConnection: (ws) => setTimeout(() => ws.close(4000, 'bye /ws?token=S3CRET Bearer abc.def'), 50),
  });
  cleanups.push(() => far.close());
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-redaction-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = testConfig(dir);
  config.targets = [target([legConfig({ name: 'edge', url: far.url })], 't3')];
  const logged: string[] = [];
  const runtime: Runtime = await createRuntime(config, {
    logger: { info: (fields, message) => logged.push(JSON.stringify({ ...fields, msg: message })) },
  });
  const app = await buildApp({ runtime, webRoot: null });
  cleanups.push(async () => {
    await app.close();
    await runtime.close();
  });

  let sessions = '';
  const deadline = Date.now() + 20_000;
  while (!sessions.includes('token=***')) {
    if (Date.now() > deadline) throw new Error(`no closed session with a reason: ${sessions}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    sessions = (await app.inject({ url: '/api/sessions?target=t3' })).body;
  }
  const events = (await app.inject({ url: '/api/events?since=0' })).body;
  const closeLines = logged.filter((line) => line.includes('"msg":"ws close"'));
  expect(closeLines.length).toBeGreaterThan(0);
  for (const text of [sessions, events, ...closeLines]) {
    expect(text).not.toContain('S3CRET');
    expect(text).not.toContain('abc.def');
  }
  expect(sessions).toContain('bye /ws?token=*** Bearer ***');
});
