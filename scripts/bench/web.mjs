// Dashboard bench (docs/spec.md#8-budgets): the overview with 24 h of history for 10 legs must be interactive within
// 2 s in headless Chromium. Seeds a temp data dir through the store's real write path (bus → sequence →
// batched flush): 1 s RTT, a drop every ~40 min per leg, a verdict per drop cluster; then starts the real
// server (the built CLI) with those legs heartbeating a local echo server, and opens the overview in Debian's
// Chromium with a cold cache. Printed beside the budget and a baseline from the same server and browser:
// the load of a blank page. Needs the server and dashboard built (npm run bench builds them).
//   node scripts/bench/web.mjs [--legs 10] [--hours 24] [--runs 5] [--keep]
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { WebSocketServer } from 'ws';

const server = new URL('../../apps/server/dist/', import.meta.url);
const { openSqliteStore } = await import(new URL('store/sqlite-store.js', server).href);
const { EventBus } = await import(new URL('events/bus.js', server).href);
const CLI = fileURLToPath(new URL('cli.js', server));

const { values: args } = parseArgs({
  options: {
    legs: { type: 'string', default: '10' },
    hours: { type: 'string', default: '24' },
    runs: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
  },
});
const LEGS = positiveInt(args.legs, '--legs');
const HOURS = positiveInt(args.hours, '--hours');
const RUNS = positiveInt(args.runs, '--runs');
const BUDGET_MS = 2_000;
const TARGET = 'bench';
const SEGMENTS = ['last-mile', 'cdn', 'lb', 'app'];
const HOUR = 3_600_000;
// The same browser and flags as the e2e specs.
const CHROMIUM = JSON.parse(readFileSync(new URL('../../e2e/chromium.json', import.meta.url), 'utf8'));

const dir = mkdtempSync(join(tmpdir(), 'hopwatch-bench-web-'));
const legs = Array.from({ length: LEGS }, (_, i) => ({
  name: `leg-${String(i).padStart(2, '0')}`,
  enters: SEGMENTS[1 + (i % 3)],
}));
const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
echo.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
await new Promise((resolve) => echo.once('listening', resolve));
let child = null;
let browser = null;

try {
  await seed();
  const port = await freePort();
  child = startServer(port);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  browser = await chromium.launch({ executablePath: CHROMIUM.executablePath, args: CHROMIUM.args });
  await measure(url);
} finally {
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await new Promise((resolve) => echo.close(resolve));
  if (args.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/** 24 h of history, written as the prober and the judge would have published it. */
async function seed() {
  const to = Date.now() - 5_000;
  const from = to - HOURS * HOUR;
  let clock = from;
  const store = openSqliteStore(join(dir, 'hopwatch.db'), { retentionMs: 30 * 24 * HOUR, now: () => clock });
  const bus = new EventBus(store);
  bus.subscribe((stored) => store.project(stored));
  const handshake = {
    dnsMs: null,
    tcpMs: 0.3,
    tlsMs: null,
    upgradeMs: 1.2,
    alpn: null,
    remoteAddress: '127.0.0.1',
  };
  const session = legs.map((leg) => ({ id: `${leg.name}-0`, openedAt: from, n: 0 }));
  const open = (l, ts) => {
    const leg = legs[l];
    bus.publish({
      kind: 'session_open',
      ts,
      target: TARGET,
      leg: leg.name,
      sessionId: session[l].id,
      handshake,
    });
  };
  for (let l = 0; l < LEGS; l += 1) open(l, from);
  const started = performance.now();
  let random = 7;
  let drops = 0;
  // Every ~40 min a shared hop (lb) resets: the legs that cross it drop together and a verdict follows.
  const clusterEveryS = 2_400;
  for (let s = 0; s < HOURS * 3_600; s += 1) {
    clock = from + s * 1_000;
    if (s > 0 && s % clusterEveryS === 0) {
      const dropped = [];
      const sessionIds = [];
      legs.forEach((leg, l) => {
        if (leg.enters === 'app') return;
        const current = session[l];
        bus.publish({
          kind: 'session_close',
          ts: clock,
          target: TARGET,
          leg: leg.name,
          session: {
            id: current.id,
            target: TARGET,
            leg: leg.name,
            openedAt: current.openedAt,
            closedAt: clock,
            durationMs: clock - current.openedAt,
            silenceMs: 120,
            cause: 'reset',
            closeCode: 1006,
            closeReason: null,
            httpStatus: null,
            error: 'ECONNRESET',
            suspect: false,
            handshake,
          },
        });
        dropped.push(leg.name);
        sessionIds.push(current.id);
        drops += 1;
        current.n += 1;
        current.id = `${leg.name}-${current.n}`;
        current.openedAt = clock + 1_500;
      });
      clock += 1_500;
      legs.forEach((leg, l) => {
        if (leg.enters !== 'app') open(l, clock);
      });
      bus.publish({
        kind: 'verdict',
        ts: clock + 8_000,
        target: TARGET,
        leg: null,
        verdict: {
          id: `bench-${s}`,
          target: TARGET,
          kind: 'cluster',
          at: clock - 1_500,
          from: clock - 9_000,
          to: clock + 6_000,
          dropped,
          clean: legs.filter((leg) => leg.enters === 'app').map((leg) => leg.name),
          unknown: [],
          suspects: ['lb'],
          confidence: 'high',
          signatures: [],
          summary: `lb: ${dropped.length} legs dropped together while the app legs stayed up`,
          sessionIds,
          judgedAt: clock + 8_000,
        },
      });
      clock = from + s * 1_000;
    }
    for (let l = 0; l < LEGS; l += 1) {
      random = (random * 1_103_515_245 + 12_345) % 2_147_483_648;
      bus.publish({
        kind: 'rtt',
        ts: clock + l,
        target: TARGET,
        leg: legs[l].name,
        sessionId: session[l].id,
        seq: s,
        rttMs: random % 700 === 0 ? null : 2 + (random % 400) / 100 + (random % 97 === 0 ? 40 : 0),
        suspect: false,
      });
    }
  }
  await store.close();
  const samples = HOURS * 3_600 * LEGS;
  console.log(
    `seeded ${samples.toLocaleString('en')} RTT samples, ${drops} drops (${LEGS} legs × ${HOURS} h) ` +
      `in ${((performance.now() - started) / 1_000).toFixed(1)} s`,
  );
}

function startServer(port) {
  const legsYaml = legs
    .map(
      (leg) =>
        `      - { name: ${leg.name}, url: "ws://127.0.0.1:${echo.address().port}/ws", enters: ${leg.enters} }`,
    )
    .join('\n');
  const config = join(dir, 'hopwatch.yaml');
  writeFileSync(
    config,
    `storage:\n  sqlite: ${join(dir, 'hopwatch.db')}\nlab:\n  enabled: false\ntargets:\n  - name: ${TARGET}\n` +
      `    segments: [${SEGMENTS.join(', ')}]\n    heartbeat: { mode: ping, interval: 1s, timeout: 5s }\n` +
      `    legs:\n${legsYaml}\n`,
  );
  const log = openSync(join(dir, 'server.log'), 'a');
  return spawn(process.execPath, [CLI, '--config', config, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: ['ignore', log, log],
    env: { ...process.env, HOPWATCH_CONFIG: '', HOPWATCH_LOG_LEVEL: 'warn' },
  });
}

async function measure(url) {
  const blank = [];
  const ready = [];
  const interactive = [];
  let points = null;
  for (let run = 0; run < RUNS; run += 1) {
    // A new context each run: cold HTTP cache, no React Query cache, like a person opening a link.
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    await page.goto(`${url}/healthz`, { waitUntil: 'load' });
    blank.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));

    let rttPoints = 0;
    page.on('response', async (response) => {
      if (!response.url().includes('/api/rtt')) return;
      try {
        const body = await response.json();
        rttPoints = Math.max(rttPoints, body.points.length);
      } catch {
        // a navigation may cut a body short
      }
    });
    await page.addInitScript(() => {
      // Record the moment every row has its data, as the page itself sees it.
      new MutationObserver(() => {
        const view = document.querySelector('[data-testid="target-window"][data-ready="true"]');
        if (view && window.hopwatchReadyAt === undefined) window.hopwatchReadyAt = performance.now();
      }).observe(document, { subtree: true, attributes: true, childList: true });
    });
    await page.goto(`${url}/?target=${TARGET}&range=24h`);
    await page.waitForSelector('[data-testid="target-window"][data-ready="true"]', { timeout: 60_000 });
    const rows = await page.locator('[data-testid="leg-row"]').count();
    if (rows !== LEGS) throw new Error(`expected ${LEGS} leg rows, got ${rows}`);
    // Interactive: the data is drawn and the main thread is free again to answer input (the next frame
    // after a task boundary). Measured from navigation start.
    const { readyAt, freeAt } = await page.evaluate(
      () =>
        new Promise((resolve) =>
          requestAnimationFrame(() =>
            setTimeout(() => resolve({ readyAt: window.hopwatchReadyAt, freeAt: performance.now() }), 0),
          ),
        ),
    );
    ready.push(readyAt);
    interactive.push(freeAt);
    points = rttPoints;
    await context.close();
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(`overview: ${LEGS} legs × ${HOURS} h, ${points} RTT points per leg (server-downsampled)`);
  console.log(`  runs: ${RUNS}, cold cache each, headless Chromium at 1920×1080`);
  console.log(`  data drawn:   median ${fmt(median(ready))}, max ${fmt(Math.max(...ready))}`);
  console.log(
    `  interactive:  median ${fmt(median(interactive))}, max ${fmt(Math.max(...interactive))}   ` +
      `(budget ${fmt(BUDGET_MS)}: ${median(interactive) <= BUDGET_MS ? 'within' : 'OVER'})`,
  );
  console.log(`  baseline, a blank page from the same server: median ${fmt(median(blank))}`);
}

async function waitHealthy(url) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${serverLog()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`server did not answer /healthz:\n${serverLog()}`);
}

function serverLog() {
  try {
    return readFileSync(join(dir, 'server.log'), 'utf8');
  } catch {
    return '';
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function fmt(ms) {
  return ms >= 1_000 ? `${(ms / 1_000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

function positiveInt(text, name) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name}: must be a positive integer (got ${JSON.stringify(text)})`);
    process.exit(2);
  }
  return value;
}
