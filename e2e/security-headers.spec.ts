// The dashboard runs under its Content-Security-Policy (issue 16.7): it loads, goes live over the WebSocket,
// draws its charts and lab panel, and the browser reports no CSP violation; and no other site can frame it.
import { expect, test } from '@playwright/test';
import { HopwatchServer } from './support/hopwatch-server.js';

let server: HopwatchServer;

test.beforeEach(async () => {
  server = await HopwatchServer.start();
});

test.afterEach(async () => {
  await server.dispose();
});

test('the dashboard works under its CSP, with no violation reported', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  // As a string: the e2e project compiles without the DOM library.
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      console.error('Refused to load: ' + event.violatedDirective + ' ' + event.blockedURI + ' at ' +
        event.sourceFile + ':' + event.lineNumber + ':' + event.columnNumber);
    });`,
  });
  const response = await page.goto(server.url);
  expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(response?.headers()['x-frame-options']).toBe('DENY');
  await expect(page.getByTestId('link-status')).toHaveAttribute('data-status', 'live');
  await expect(page.getByTestId('link-status')).toContainText(/\d+(\.\d)? ms/);
  await expect(page.locator('svg').first()).toBeVisible();
  expect(violations).toEqual([]);
});

test('another site cannot frame the dashboard', async ({ page }) => {
  await page.setContent(`<iframe id="f" src="${server.url}"></iframe>`);
  // Chromium refuses to render a document whose X-Frame-Options/frame-ancestors forbid the framing page: the
  // frame ends on its own error page instead of the dashboard.
  const framed = () => page.frames().find((f) => f !== page.mainFrame());
  await expect.poll(() => framed()?.url() ?? '').toMatch(/^chrome-error:/);
  await expect(page.frameLocator('#f').getByTestId('link-status')).toHaveCount(0);
});
