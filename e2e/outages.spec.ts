// An outage as a person sees it (issue #11): lb blackholed in the lab. The lb leg says DOWN with the
// outage's length, attempts and last failure, and its timeline shows one band, not a retry per mark; the
// verdict naming lb shows first as provisional, in words, then final, with each dropped leg's cause; a
// legend says what the confidence levels mean.
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { ARTIFACTS_DIR } from './support/hopwatch-server.js';
import { quietLabConfig, serveHopwatchPerTest } from './support/serve-hopwatch.js';

const server = serveHopwatchPerTest(quietLabConfig({ interval: '500ms', timeout: '1500ms' }));

function legRow(page: Page, leg: string) {
  return page.locator(`[data-testid="leg-row"][data-leg="${leg}"]`);
}

test('a blackholed lb is one outage band, its verdict provisional then final with causes', async ({
  page,
}) => {
  await page.goto(`${server().url}/?target=lab&range=15m`);
  for (const leg of ['edge', 'lb', 'app'])
    await expect(legRow(page, leg)).toHaveAttribute('data-state', 'up');
  await expect(page.getByTestId('target-window')).toHaveAttribute('data-ready', 'true');

  const injected = await fetch(`${server().url}/api/lab/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hop: 'lb', kind: 'blackhole', durationMs: 20_000 }),
  });
  expect(injected.status).toBe(201);

  // Down, and it stays down through its retries, with the outage told in one line.
  const lb = legRow(page, 'lb');
  await expect(lb).toHaveAttribute('data-state', 'down');
  await expect(lb.getByTestId('leg-outage')).toContainText(/^down \S+, .*last: /);
  await expect(lb.getByTestId('leg-outage')).toContainText(/\d+ attempts?/);
  const band = lb.getByTestId('outage-band');
  await expect(band).toHaveCount(1);
  await expect(band).toHaveAttribute('data-open', 'true');

  // The verdict naming lb: provisional, saying so in words, then final.
  const provisional = page.locator('[data-testid="verdict"][data-final="false"]').first();
  await expect(provisional).toBeVisible();
  await expect(provisional.getByTestId('verdict-provisional')).toContainText(/^provisional: /);
  const final = page.locator('[data-testid="verdict"][data-suspects~="lb"][data-final="true"]').first();
  await expect(final).toBeVisible({ timeout: 30_000 });
  await expect(final.getByTestId('verdict-provisional')).toHaveCount(0);
  await expect(final).toContainText('high');
  await expect(final.locator('.verdict-leg[data-leg="lb"]')).toContainText('lb (heartbeat timeout)');
  await expect(final.locator('.verdict-leg[data-leg="edge"]')).toContainText('heartbeat timeout');

  await page.getByTestId('confidence-legend').locator('summary').click();
  await expect(page.getByTestId('confidence-legend')).toContainText('inconclusive');
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'outage-lb-blackhole.png'), fullPage: true });

  // When lb is back, the band is closed and still one band, with its whole length and attempts.
  await expect(lb).toHaveAttribute('data-state', 'up', { timeout: 60_000 });
  await expect(band).toHaveCount(1);
  await expect(band).toHaveAttribute('data-open', 'false');
  await expect(band).toHaveAttribute('title', /^down \S+.*, \d+ attempts?, last: /);
  await expect(lb.getByTestId('leg-drops')).toHaveText('1');
});
