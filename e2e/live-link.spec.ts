// The dashboard's own link: it never lets stale data look fresh, and it rides out a server restart without
// a page reload. Also the browser side of the live stream's guards (Origin check, message size cap).
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { ARTIFACTS_DIR, HopwatchServer } from './support/hopwatch-server.js';

let server: HopwatchServer;

test.beforeEach(async () => {
  server = await HopwatchServer.start();
});

// biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixtures
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach('server.log', { body: server.log() });
  }
  await server.dispose();
});

test('the header goes live, turns reconnecting and stale while the server is down, and recovers without a reload', async ({
  page,
}) => {
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));
  await page.goto(server.url);
  const link = page.getByTestId('link-status');

  await expect(link).toHaveAttribute('data-status', 'live');
  await expect(link).toContainText('live');
  await expect(link).toContainText(/\d+(\.\d)? ms/); // the browser → server RTT
  await expect(link).toHaveAttribute('data-stale', 'false');
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'link-live.png') });

  await server.stop();
  await expect(link).toHaveAttribute('data-status', 'reconnecting');
  await expect(link).toContainText(/reconnecting/);
  // Two missed server heartbeats (2 × 5 s) later the data on screen is marked stale, with the time it is from.
  await expect(link).toContainText(/stale since \d\d:\d\d:\d\d/, { timeout: 30_000 });
  await expect(link).toHaveAttribute('data-stale', 'true');
  // Data the link can no longer vouch for is greyed, not shown as if fresh.
  await expect(page.getByTestId('target-window')).toHaveClass(/is-stale/);
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'link-stale.png') });

  await server.restart();
  // Backoff is capped at 15 s with full jitter, so the next attempt lands within that.
  await expect(link).toHaveAttribute('data-status', 'live', { timeout: 45_000 });
  await expect(link).toHaveAttribute('data-stale', 'false');
  await expect(link).not.toContainText('stale since');
  await expect(page.getByTestId('target-window')).not.toHaveClass(/is-stale/);
  expect(loads).toHaveLength(1);
});

test('a page from another origin cannot open the live stream (403)', async ({ page }) => {
  const liveUrl = `ws://127.0.0.1:${server.port}/api/live`;

  // Control: from the dashboard's own origin the stream says hello.
  await page.goto(server.url);
  expect(await openLiveSocket(page, liveUrl)).toEqual({ hello: true, closeCode: null });

  // The same code served from a foreign origin (a page Playwright serves as http://evil.test).
  await page.route('http://evil.test/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>evil</title><p>evil</p>' }),
  );
  await page.goto('http://evil.test/');
  expect(await openLiveSocket(page, liveUrl)).toEqual({ hello: false, closeCode: 1006 });

  // What the browser hides behind 1006 is the server's 403.
  expect(await upgradeStatus(server.port, 'http://evil.test')).toBe(403);
  expect(await upgradeStatus(server.port, server.url)).toBe(101);
});

test('a 1 MiB browser message closes that socket with 1009 and the server stays healthy', async ({
  page,
}) => {
  await page.goto(server.url);
  const link = page.getByTestId('link-status');
  await expect(link).toHaveAttribute('data-status', 'live');

  const closeCode = await page.evaluate(async (url) => {
    const socket = new WebSocket(url);
    await new Promise((resolve) => socket.addEventListener('message', resolve, { once: true }));
    socket.send('x'.repeat(1024 * 1024));
    return new Promise<number>((resolve) => socket.addEventListener('close', (e) => resolve(e.code)));
  }, `ws://127.0.0.1:${server.port}/api/live`);
  expect(closeCode).toBe(1009);

  const health = await fetch(`${server.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await openLiveSocket(page, `ws://127.0.0.1:${server.port}/api/live`)).toEqual({
    hello: true,
    closeCode: null,
  });
  // The dashboard's own link was never touched.
  await expect(link).toHaveAttribute('data-status', 'live');
});

/** Opens a WebSocket from inside the page and reports whether the server said hello or how it closed. */
async function openLiveSocket(
  page: Page,
  url: string,
): Promise<{ hello: boolean; closeCode: number | null }> {
  return page.evaluate(
    (target) =>
      new Promise<{ hello: boolean; closeCode: number | null }>((resolve) => {
        const socket = new WebSocket(target);
        socket.addEventListener('message', (message) => {
          const hello = typeof message.data === 'string' && JSON.parse(message.data).type === 'hello';
          socket.close();
          resolve({ hello, closeCode: null });
        });
        socket.addEventListener('close', (event) => resolve({ hello: false, closeCode: event.code }));
      }),
    url,
  );
}

/** The HTTP status a WebSocket upgrade with the given Origin gets. */
function upgradeStatus(port: number, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path: '/api/live',
      agent: false, // a kept-alive socket from an earlier request cannot be upgraded
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        Origin: origin,
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
