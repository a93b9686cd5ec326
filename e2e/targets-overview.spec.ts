// The targets overview (`/` with more than one target): it marks itself ready (data-ready, what the dashboard
// bench times) only once every card has its verdict line, and it asks the API for each target's drops and
// nothing of any leg (the router's prefetch once fetched the first target's leg RTT and sessions as well).
import { expect, test } from '@playwright/test';
import { serveHopwatch } from './support/serve-hopwatch.js';

const TARGETS = ['alpha', 'beta', 'gamma'];
// Legs at a closed port: they never connect, so the cards carry open outages (whose first failed attempts may
// already have been judged, or not yet: either is a verdict line).
const CONFIG = `
lab:
  enabled: false
targets:
${TARGETS.map(
  (name) => `  - name: ${name}
    segments: [edge, app]
    heartbeat: { interval: 1s, timeout: 2s }
    legs:
      - { name: via-edge, url: "ws://127.0.0.1:9/ws", enters: edge }
      - { name: direct, url: "ws://127.0.0.1:9/ws", enters: app }`,
).join('\n')}
`;

const server = serveHopwatch(CONFIG);

test('the targets overview is ready when every card has its verdict line, and asks only for drops', async ({
  page,
}) => {
  const asked: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/'))
      asked.push(`${url.pathname}?${url.searchParams.get('target') ?? ''}`);
  });
  await page.goto(`${server().url}/`);
  const overview = page.getByTestId('targets-overview');
  await expect(overview).toHaveAttribute('data-ready', 'true');
  // Read at once, no retrying: ready must already mean drawn.
  const verdictLines = await page.locator('.target-card-verdict').allTextContents();
  expect(verdictLines).toHaveLength(TARGETS.length);
  for (const line of verdictLines)
    expect(line).toMatch(/^(no drops in the last 24 h|latest verdict \S+ \S+ · .+)$/);

  const legData = asked.filter((a) => a.startsWith('/api/rtt') || a.startsWith('/api/sessions'));
  expect(legData).toEqual([]);
  const drops = asked.filter((a) => a.startsWith('/api/drops')).sort();
  expect(drops).toEqual(TARGETS.map((name) => `/api/drops?${name}`));
});

test('the chart code loads only where charts are: not on the targets overview, and before a target page is ready', async ({
  page,
}) => {
  const scripts: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
  });
  await page.goto(`${server().url}/`);
  await expect(page.getByTestId('targets-overview')).toHaveAttribute('data-ready', 'true');
  expect(scripts.filter((path) => path.includes('rtt-band-chart'))).toEqual([]);

  await page.getByTestId('target-card').first().getByRole('link').click();
  await expect(page.getByTestId('target-window')).toHaveAttribute('data-ready', 'true');
  // Read at once, no retrying: ready must already mean every chart in view is drawn (both legs are).
  expect(await page.locator('[data-testid="leg-row"] .rtt-chart').count()).toBe(2);
  expect(scripts.filter((path) => path.includes('rtt-band-chart'))).toHaveLength(1);
});
