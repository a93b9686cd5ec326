// The two servers the live-stream benches (api-live, detection) compare: hopwatch's built app with a real
// SQLite store in a temp dir, and a bare `ws` server that sends each event to every client, one ws.send each.
// Each returns { port, publish(event), close() }.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVER_DIST } from './legs.mjs';

export async function startHopwatchLive(name) {
  const { defaultConfig } = await import(pathToFileURL(join(SERVER_DIST, 'config/defaults.js')).href);
  const { createRuntime } = await import(pathToFileURL(join(SERVER_DIST, 'runtime.js')).href);
  const { buildApp } = await import(pathToFileURL(join(SERVER_DIST, 'app.js')).href);
  const dataDir = mkdtempSync(join(tmpdir(), `hopwatch-bench-${name}-`));
  const config = defaultConfig();
  config.server.port = 0;
  config.storage.sqlite = join(dataDir, 'hopwatch.db');
  config.lab.enabled = false;
  const runtime = await createRuntime(config);
  const app = await buildApp({ runtime, webRoot: null });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    port: app.server.address().port,
    publish: (event) => runtime.bus.publish(event),
    async close() {
      await runtime.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startBareLive() {
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((ready) => wss.once('listening', ready));
  let seq = 0;
  return {
    port: wss.address().port,
    publish(event) {
      seq += 1;
      const frame = JSON.stringify({ type: 'event', seq, event });
      for (const client of wss.clients) client.send(frame);
    },
    close: () => new Promise((closed) => wss.close(closed)),
  };
}
