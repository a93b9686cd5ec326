// The dashboard on every screen and for every eye (issue #12): a real lab with a real fault, then each page
// at 1920×1080, 1366×768 and 390×844 in light and dark — axe-core finds nothing serious, the wall neither
// scrolls nor lets anything stick out of a tile, the phone never scrolls sideways — with a screenshot of
// each into e2e/artifacts/screens/ for a person to look at. Also: zoom by drag and Back, the tab title
// during an outage, and the login that returns to the page asked for.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { ARTIFACTS_DIR, HopwatchServer } from './support/hopwatch-server.js';
import {
  type ColorScheme,
  overflowingChildren,
  scrollOverflow,
  seriousViolations,
  sticksOutRight,
  VIEWPORTS,
} from './support/screens.js';

const SHOTS = join(ARTIFACTS_DIR, 'screens');
const LONG_TARGET = 'customer-portal-eu-west-production-websocket-gateway';

// The lab (quiet, quick heartbeats) plus a target whose long-named legs point at a closed port: they never
// connect, so the wall must fit long names and CONNECTING/DOWN states.
const CONFIG = `
lab:
  enabled: true
  schedule: []
  heartbeat: { interval: 500ms, timeout: 2s }
targets:
  - name: ${LONG_TARGET}
    segments: [cloudflare-edge-frankfurt, traefik-ingress-controller, app-backend-websocket]
    heartbeat: { interval: 1s, timeout: 2s }
    legs:
      - name: through-cloudflare-edge-frankfurt-long-name
        url: ws://127.0.0.1:9/ws
        enters: cloudflare-edge-frankfurt
      - name: direct-to-traefik-ingress-controller
        url: ws://127.0.0.1:9/ws
        enters: traefik-ingress-controller
      - name: straight-into-the-app-backend
        url: ws://127.0.0.1:9/ws
        enters: app-backend-websocket
`;

let server: HopwatchServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await HopwatchServer.start({ config: CONFIG });
});

test.afterAll(async () => {
  await server?.dispose();
});

// biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixtures
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus)
    await testInfo.attach('server.log', { body: server.log() });
});

interface LabTargetView {
  name: string;
  correlationWindowMs: number;
  legs: { name: string; state: string; since: number }[];
}

async function labTarget(): Promise<LabTargetView | undefined> {
  const { targets } = (await (await fetch(`${server.url}/api/targets`)).json()) as {
    targets: LabTargetView[];
  };
  return targets.find((t) => t.name === 'lab');
}

/** Every lab leg up for longer than the correlation window, so a drop's verdict can call the others clean. */
async function legsSettled(): Promise<boolean> {
  const lab = await labTarget();
  const now = Date.now();
  return (
    lab?.legs.every((leg) => leg.state === 'up' && now - leg.since > lab.correlationWindowMs + 1_000) === true
  );
}

async function injectFault(hop: string, kind: string, durationMs: number): Promise<void> {
  const response = await fetch(`${server.url}/api/lab/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hop, kind, durationMs }),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

async function ready(page: Page): Promise<void> {
  await expect(page.getByTestId('target-window')).toHaveAttribute('data-ready', 'true');
  // Ready means the charts in view; the full-page screenshots show the ones below the fold too.
  await expect(page.getByTestId('target-window')).toHaveAttribute('data-charts', 'all');
}

test('the tab title and favicon say when a lab leg is down, and a verdict names the hop', async ({
  page,
}) => {
  await page.goto(`${server.url}/?target=lab&range=15m`);
  await ready(page);
  await expect.poll(legsSettled, { timeout: 60_000, intervals: [500] }).toBe(true);
  // The long-named target never connects, so its legs may already count; the lab's part must show.
  await injectFault('lb', 'reset', 20_000);
  await expect.poll(() => page.title(), { timeout: 30_000 }).toMatch(/^▼ \d+ down · .*lab.* — hopwatch$/);
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('data-level', 'down');
  const verdict = page.locator('[data-testid="verdict"][data-suspects~="lb"]').first();
  await expect(verdict).toBeVisible({ timeout: 45_000 });
  // Once lb lets connections through again, the lab part of the title goes away.
  await expect
    .poll(async () => (await labTarget())?.legs.every((leg) => leg.state === 'up'), { timeout: 60_000 })
    .toBe(true);
  await expect.poll(() => page.title(), { timeout: 30_000 }).not.toContain('lab');
});

test('dragging across the time axis zooms, the URL follows, and Back restores the window', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${server.url}/?target=lab&range=15m`);
  await ready(page);
  const brush = page.getByTestId('zoom-brush');
  const box = await brush.boundingBox();
  if (!box) throw new Error('no time axis to drag');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.5, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, y, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.9, y, { steps: 5 });
  await page.mouse.up();

  await expect(page).toHaveURL(/from=.*&to=/);
  const zoomed = new URL(page.url());
  expect(zoomed.searchParams.get('range')).toBe('15m');
  const window = page.getByTestId('target-window');
  await expect(window).toHaveAttribute('data-from', String(Date.parse(zoomed.searchParams.get('from')!)));
  await expect(page.getByTestId('reset-zoom')).toBeVisible();

  await page.goBack();
  await expect(page).not.toHaveURL(/from=/);
  await expect(page).toHaveURL(/range=15m/);
  await expect(page.getByTestId('reset-zoom')).toHaveCount(0);

  // Forward again, then the key 0 resets just as double-click does.
  await page.goForward();
  await expect(page).toHaveURL(/from=/);
  await page.locator('body').press('0');
  await expect(page).not.toHaveURL(/from=/);
  await page.locator('body').press('2');
  await expect(page).toHaveURL(/range=1h/);
});

test('the chart readout is reachable from the keyboard', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${server.url}/?target=lab&range=15m`);
  await ready(page);
  const chart = page
    .locator('[data-testid="leg-row"][data-leg="app"] .recharts-wrapper svg[tabindex="0"]')
    .first();
  await chart.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('[data-testid="leg-row"][data-leg="app"] .rtt-readout')).toBeVisible();
});

test('the wall fits 1366×768, 1920×1080 and 3840×2160 with no scrolling and nothing outside its tile', async ({
  page,
}) => {
  for (const { width, height } of [
    { width: 1366, height: 768 },
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 },
  ]) {
    await page.setViewportSize({ width, height });
    for (const target of ['lab', LONG_TARGET]) {
      await page.goto(`${server.url}/wall?target=${target}`);
      await expect(page.getByTestId('wall-tile')).toHaveCount(3);
      await expect(page.getByTestId('wall-sparkline')).toHaveCount(3);
      await expect(page.getByTestId('wall-verdict')).not.toContainText('loading');
      expect(await scrollOverflow(page), `${target} at ${width}×${height}`).toEqual({ x: 0, y: 0 });
      for (const tile of await page.getByTestId('wall-tile').all()) {
        expect(await overflowingChildren(tile), `${target} at ${width}×${height}`).toEqual([]);
      }
      await page.screenshot({
        path: join(SHOTS, `wall-${target === 'lab' ? 'lab' : 'long-names'}-${width}x${height}.png`),
      });
    }
  }
});

const PAGES = [
  { name: 'overview', path: '/?target=lab&range=15m', wait: ready },
  {
    name: 'targets',
    path: '/',
    wait: async (page: Page) => expect(page.getByTestId('target-card')).toHaveCount(2),
  },
  {
    name: 'wall',
    path: '/wall?target=lab',
    wait: async (page: Page) => expect(page.getByTestId('wall-sparkline')).toHaveCount(3),
  },
  {
    name: 'incidents',
    path: '/incidents',
    wait: async (page: Page) => expect(page.locator('.incidents-table')).toBeVisible(),
  },
  { name: 'incident', path: '', wait: ready },
] as const;

test('every page in light and dark at 1920, 1366 and 390 wide: no serious axe finding, no sideways scroll', async ({
  page,
}) => {
  test.setTimeout(600_000);
  const lab = await labTarget();
  const now = Date.now();
  const created = await fetch(`${server.url}/api/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      target: 'lab',
      from: now - 10 * 60_000,
      to: now,
      title: 'lb reset connections',
      note: `lab fault: reset on lb; legs ${lab?.legs.map((l) => l.name).join(', ')}`,
    }),
  });
  const { id } = (await created.json()) as { id: string };
  const findings: string[] = [];
  for (const scheme of ['light', 'dark'] as ColorScheme[]) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      for (const screen of PAGES) {
        const path = screen.name === 'incident' ? `/incidents/${encodeURIComponent(id)}` : screen.path;
        await page.goto(`${server.url}${path}`);
        await screen.wait(page);
        if (screen.name !== 'wall') {
          await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
        }
        const overflow = await scrollOverflow(page);
        const wide = overflow.x > 0 ? (await sticksOutRight(page)).join('; ') : '';
        expect(
          overflow.x,
          `${screen.name} ${viewport.name} ${scheme} scrolls sideways: ${wide}`,
        ).toBeLessThanOrEqual(0);
        if (viewport.width >= 1366 && screen.name === 'wall')
          expect(overflow.y, 'the wall scrolls').toBeLessThanOrEqual(0);
        if (viewport.width === 1920 || viewport.width === 390) {
          for (const line of await seriousViolations(page))
            findings.push(`${screen.name} ${viewport.name} ${scheme}: ${line}`);
        }
        await page.screenshot({
          path: join(SHOTS, `${screen.name}-${viewport.name}-${scheme}.png`),
          fullPage: screen.name !== 'wall',
        });
      }
    }
  }
  expect(findings).toEqual([]);
});

test('the theme, the UTC toggle and the folded lab panel are remembered; the skip link is the first Tab stop', async ({
  page,
}) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${server.url}/?target=lab&range=15m`);
  await ready(page);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to the legs' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main')).toBeFocused();
  await expect(page.getByTestId('lab-fault-lb-reset')).toBeVisible();
  await page.getByTestId('lab-panel-toggle').click();
  await expect(page.getByTestId('lab-fault-lb-reset')).toBeHidden();
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('zone-toggle')).toHaveText(/UTC[+-]\d\d:\d\d/);
  await page.getByTestId('zone-toggle').click();
  await expect(page.getByTestId('axis-zone')).toHaveText('time (UTC)');
  await page.reload();
  await ready(page);
  await expect(page.getByTestId('lab-fault-lb-reset')).toBeHidden();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('zone-toggle')).toContainText('UTC');
  await expect(page.getByTestId('axis-zone')).toHaveText('time (UTC)');
});

test('logging in from /wall returns to /wall; the login page passes axe in light and dark', async ({
  browser,
}) => {
  const guarded = await HopwatchServer.start({
    config: 'server:\n  authToken: e2e-token\nlab:\n  schedule: []\n',
  });
  try {
    for (const scheme of ['light', 'dark'] as ColorScheme[]) {
      const context = await browser.newContext({
        colorScheme: scheme,
        viewport: { width: 1366, height: 768 },
      });
      const page = await context.newPage();
      await page.goto(`${guarded.url}/wall`);
      await expect(page).toHaveURL(`${guarded.url}/login?next=%2Fwall`);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `login-1366x768-${scheme}.png`) });
      await page.getByLabel('Access token').fill('e2e-token');
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect(page).toHaveURL(`${guarded.url}/wall`);
      await expect(page.getByTestId('wall-tile')).toHaveCount(3);
      await context.close();
    }
  } finally {
    await guarded.dispose();
  }
});
