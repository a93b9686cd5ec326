// The dashboard during a lab fault: a person who has never seen hopwatch should be able to say which hop
// broke, and why, from the screen alone. The lab runs quiet (no scheduled faults) with quick heartbeats.
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { ARTIFACTS_DIR } from './support/hopwatch-server.js';
import { quietLabConfig, serveHopwatchPerTest } from './support/serve-hopwatch.js';

const server = serveHopwatchPerTest(quietLabConfig({ interval: '500ms', timeout: '2s' }));

/** Whether every lab leg has been up for longer than the target's correlation window (plus a margin). */
async function legsSettled(url: string, marginMs = 1_000): Promise<boolean> {
  const { targets } = (await (await fetch(`${url}/api/targets`)).json()) as {
    targets: { name: string; correlationWindowMs: number; legs: { state: string; since: number }[] }[];
  };
  const lab = targets.find((t) => t.name === 'lab');
  const now = Date.now();
  return (
    lab?.legs.every((leg) => leg.state === 'up' && now - leg.since > lab.correlationWindowMs + marginMs) ===
    true
  );
}

function legRow(page: Page, leg: string) {
  return page.locator(`[data-testid="leg-row"][data-leg="${leg}"]`);
}

test('a reset on lb drops edge and lb, and the verdict names lb; the Share link shows the same window', async ({
  page,
  context,
}) => {
  // The page's clock is Playwright's, running in step with the real one until the test holds it still to
  // hover a drop (below).
  await page.clock.install();
  await page.goto(`${server().url}/?target=lab&range=15m`);
  for (const leg of ['edge', 'lb', 'app'])
    await expect(legRow(page, leg)).toHaveAttribute('data-state', 'up');
  await expect(page.getByTestId('target-window')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('no-verdicts')).toBeVisible();

  // A leg counts as clean only if it was up through the whole correlation window before the drop; a lab
  // that just started has legs still within theirs, so wait until every leg has been up that long.
  await expect.poll(async () => legsSettled(server().url), { timeout: 60_000, intervals: [500] }).toBe(true);

  await page.getByTestId('lab-panel').getByRole('combobox').selectOption('5000');
  await page.getByTestId('lab-fault-lb-reset').click();

  // Drops arrive over the live stream, without a reload, within seconds.
  await expect(legRow(page, 'lb').getByTestId('drop-mark').first()).toBeVisible();
  await expect(legRow(page, 'edge').getByTestId('drop-mark').first()).toBeVisible();
  await expect(legRow(page, 'lb').getByTestId('drop-mark').first()).toHaveAttribute(
    'data-cause',
    /reset|abnormal_close|connect_failed/,
  );
  // The verdict shows at once, provisional; it is final when the correlation window (timeout + 5 s) has passed.
  const verdict = page.locator('[data-testid="verdict"][data-suspects~="lb"][data-final="true"]').first();
  await expect(verdict).toBeVisible({ timeout: 30_000 });
  await expect(verdict.getByTestId('path-diagram').locator('[data-suspect="true"]')).toHaveText(['lb']);
  // The app leg never crosses lb: it must have stayed clean, with no drop.
  await expect(legRow(page, 'app').getByTestId('drop-mark')).toHaveCount(0);
  await expect(verdict).toContainText('high');

  // Hovering a drop shows its cause and the evidence.
  // A live window moves every mark at each tick (on a young lab by 15 px, as its history widens), and the
  // pointer lands where the mark was when Playwright measured it. So hold the page's clock still first: the
  // jump fires one tick, and once the window shows that time (data-to) nothing moves until resume.
  const heldAt = Date.now() + 2_000; // past one live tick (1.5 s at this width)
  await page.clock.pauseAt(heldAt);
  await expect(page.getByTestId('target-window')).toHaveAttribute('data-to', String(heldAt));
  // Marks a pixel apart overlap; the strip picks the mark nearest the pointer, so hover where it is drawn.
  await legRow(page, 'lb').getByTestId('drop-mark').last().hover({ force: true });
  await expect(legRow(page, 'lb').getByTestId('drop-details')).toContainText('session age');
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'overview-lab-reset-lb.png'), fullPage: true });
  await page.clock.resume();

  // Select the verdict, share, and open the link in a new page: the same absolute window from storage.
  await verdict.getByRole('button').first().click();
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-url').inputValue();
  const shared = new URL(link);
  expect(shared.searchParams.get('target')).toBe('lab');
  expect(shared.searchParams.get('from')).not.toBeNull();
  expect(shared.searchParams.get('drop')).not.toBeNull();

  const other = await context.newPage();
  await other.goto(link);
  const window = other.getByTestId('target-window');
  await expect(window).toHaveAttribute('data-ready', 'true');
  await expect(window).toHaveAttribute('data-from', String(Date.parse(shared.searchParams.get('from')!)));
  await expect(window).toHaveAttribute('data-to', String(Date.parse(shared.searchParams.get('to')!)));
  await expect(other.getByTestId('fixed-window')).toBeVisible();
  await expect(legRow(other, 'lb').getByTestId('drop-mark').first()).toBeVisible();
  await expect(other.locator('[data-testid="verdict"][data-suspects~="lb"]').first()).toBeVisible();
  await expect(other.locator('.verdict-card--selected')).toHaveCount(1);
  await other.screenshot({ path: join(ARTIFACTS_DIR, 'overview-shared-link.png'), fullPage: true });
});

test('the wall shows STALE when the server stops and recovers by itself when it returns', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${server().url}/wall`);
  const tiles = page.getByTestId('wall-tile');
  await expect(tiles).toHaveCount(3);
  for (const leg of ['edge', 'lb', 'app']) {
    await expect(page.locator(`[data-testid="wall-tile"][data-leg="${leg}"]`)).toHaveAttribute(
      'data-state',
      'up',
    );
  }
  await expect(page.getByTestId('stale-banner')).toHaveCount(0);
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'wall-live.png') });

  await server().stop();
  await expect(page.getByTestId('stale-banner')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('stale-banner')).toContainText('STALE');
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'wall-stale.png') });

  await server().restart();
  await expect(page.getByTestId('stale-banner')).toHaveCount(0, { timeout: 45_000 });
  for (const leg of ['edge', 'lb', 'app']) {
    await expect(page.locator(`[data-testid="wall-tile"][data-leg="${leg}"]`)).toHaveAttribute(
      'data-state',
      'up',
    );
  }
});

test('a drop a user reported gets a verdict; a saved incident has its own page and is listed', async ({
  page,
}) => {
  await page.goto(`${server().url}/?target=lab&range=15m`);
  await expect(page.getByTestId('target-window')).toHaveAttribute('data-ready', 'true');
  // The reported moment is typed to the second, so the legs need a few seconds of margin.
  await expect
    .poll(async () => legsSettled(server().url, 3_000), { timeout: 60_000, intervals: [500] })
    .toBe(true);

  // Every leg stayed up when the user dropped: the user's own network is the suspect.
  const at = await page.evaluate(() => {
    const d = new Date();
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  });
  await page.getByLabel('A user reported a drop at').fill(at);
  await page.getByRole('button', { name: 'Attribute' }).click();
  const reported = page.getByRole('region', { name: 'attribute a reported drop' }).getByTestId('verdict');
  await expect(reported).toHaveAttribute('data-suspects', 'last-mile');
  await expect(reported).toContainText('reported drop at');

  await page.getByTestId('save-incident').click();
  await page.getByLabel('Title').fill('lab drill');
  await page.getByLabel('Note').fill('users on wifi reported drops');
  await page.getByTestId('save-incident-form').getByRole('button', { name: 'Save incident' }).click();
  await expect(page).toHaveURL(/\/incidents\/[^/]+$/);
  const incidentUrl = page.url();
  await expect(page.getByTestId('incident')).toContainText('lab drill');
  await expect(page.getByTestId('incident')).toContainText('users on wifi reported drops');
  await expect(page.getByTestId('target-window')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('[data-testid="leg-row"]')).toHaveCount(3);

  await page.getByRole('link', { name: 'Incidents' }).click();
  await page.getByRole('link', { name: 'lab drill' }).click();
  await expect(page).toHaveURL(incidentUrl);
  await expect(page.getByTestId('incident')).toContainText('lab drill');
});
