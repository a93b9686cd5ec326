// The dashboard's assets as Chromium gets them: the entry script brotli-compressed and cached for a year, and
// the RTT charts drawn from a chunk (recharts) that loads after the first screen rather than with it.
import { expect, test } from '@playwright/test';
import { quietLabConfig, serveHopwatchPerTest } from './support/serve-hopwatch.js';

const server = serveHopwatchPerTest(quietLabConfig({ interval: '500ms', timeout: '2s' }));

test('the first screen loads compressed, cacheable scripts; the RTT charts come from a later chunk', async ({
  page,
}) => {
  // Each script is listed as its response event arrives, before its headers are read (which takes a round trip
  // to the browser): listed only after them, a chunk whose charts are already drawn could still be missing.
  const responses: Promise<{ url: string; encoding: string | null; cache: string | null }>[] = [];
  page.on('response', (response) => {
    if (!response.url().endsWith('.js')) return;
    responses.push(
      (async () => ({
        url: new URL(response.url()).pathname,
        encoding: await response.headerValue('content-encoding'),
        cache: await response.headerValue('cache-control'),
      }))(),
    );
  });

  await page.goto(server().url);
  await expect(page.getByTestId('leg-row').first()).toBeVisible();
  const entry = await page.locator('script[type="module"]').getAttribute('src');
  expect(entry).toMatch(/^\/assets\/index-.+\.js$/);
  // Every lab leg draws its RTT chart once the lazily imported chunk has arrived.
  await expect(page.locator('[data-testid="leg-row"] .rtt-chart')).toHaveCount(3);

  const scripts = await Promise.all(responses);
  const first = scripts.find((s) => s.url === entry);
  expect(first).toMatchObject({ encoding: 'br', cache: 'public, max-age=31536000, immutable' });
  const later = scripts.filter((s) => s.url !== entry);
  expect(later.length).toBeGreaterThan(0); // the chart chunk, fetched by import() and not by index.html
  for (const chunk of later) expect(chunk).toMatchObject({ encoding: 'br' });
  const html = await (await fetch(server().url)).text();
  for (const chunk of later) expect(html).not.toContain(chunk.url);
});
