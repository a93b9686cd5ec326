// A target page draws the RTT charts a user sees first (app/target-window/chart-gate.ts): when it marks itself
// ready, every leg row in view has its chart and the rows below the fold may not; those are drawn after, in
// idle time, without anyone scrolling to them.
import { expect, type Page, test } from '@playwright/test';
import { serveHopwatch } from './support/serve-hopwatch.js';

const LEGS = ['edge', 'cdn', 'lb', 'app'];
// No lab: nothing above the legs loads late and moves them. Legs at a closed port never connect; their
// charts are drawn all the same (empty), which is all the gate is about.
const server = serveHopwatch(`
lab:
  enabled: false
targets:
  - name: shop
    segments: [edge, cdn, lb, app]
    heartbeat: { interval: 1s, timeout: 2s }
    legs:
${LEGS.map((leg) => `      - { name: ${leg}, url: "ws://127.0.0.1:9/ws", enters: ${leg} }`).join('\n')}
`);

interface RowAtReady {
  leg: string | null;
  inView: boolean;
  chart: boolean;
}

/** Records, in the commit that marks the page ready (before any later task can draw more), each row's state. */
async function recordRowsAtReady(page: Page): Promise<void> {
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.querySelector('[data-testid="target-window"][data-ready="true"]')) return;
      observer.disconnect();
      const rows = Array.from(document.querySelectorAll('[data-testid="leg-row"]')).map((row) => {
        const rect = row.getBoundingClientRect();
        return {
          leg: row.getAttribute('data-leg'),
          inView: rect.bottom > 0 && rect.top < window.innerHeight,
          chart: row.querySelector('.rtt-chart') !== null,
        };
      });
      (window as unknown as { rowsAtReady: RowAtReady[] }).rowsAtReady = rows;
    }).observe(document, { subtree: true, attributes: true, childList: true });
  });
}

test('ready means the charts in view are drawn; the ones below the fold follow without scrolling', async ({
  page,
}) => {
  const url = `${server().url}/?target=shop&range=15m`;
  // Where the rows sit at this width, to cut the viewport just above the second leg row.
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(url);
  await expect(page.getByTestId('target-window')).toHaveAttribute('data-ready', 'true');
  const rows = page.getByTestId('leg-row');
  await expect(rows).toHaveCount(LEGS.length);
  const second = await rows.nth(1).boundingBox();
  if (!second) throw new Error('the second leg row has no box');
  await page.setViewportSize({ width: 1366, height: Math.round(second.y) - 20 });

  await recordRowsAtReady(page);
  await page.goto(url);
  const targetWindow = page.getByTestId('target-window');
  await expect(targetWindow).toHaveAttribute('data-ready', 'true');
  const atReady = await page.evaluate(() => (window as unknown as { rowsAtReady: RowAtReady[] }).rowsAtReady);
  expect(atReady).toHaveLength(LEGS.length);
  expect(atReady[0], 'the first row is in view').toMatchObject({ inView: true });
  for (const row of atReady)
    if (row.inView) expect(row, 'a row in view at ready').toMatchObject({ chart: true });
  // The rows from the second on start below the fold: the gate left their charts for later.
  expect(atReady.filter((row) => !row.inView && !row.chart).length).toBeGreaterThan(0);

  // Then, with no scrolling, every chart is drawn.
  await expect(targetWindow).toHaveAttribute('data-charts', 'all');
  await expect(page.locator('[data-testid="leg-row"] .rtt-chart')).toHaveCount(LEGS.length);
  await expect(page.locator('[data-testid="leg-row"][data-chart="deferred"]')).toHaveCount(0);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
});
