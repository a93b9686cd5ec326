// Dashboard bench (docs/spec.md#8-budgets): the overview with 24 h of history for 10 legs, and with 50 legs
// across 10 targets, must be interactive within 2 s in headless Chromium. Each setup seeds a temp data dir
// through the store's real write path (bus → sequence → batched flush): 1 s RTT per leg, a drop cluster every
// ~40 min per target with its verdict; then starts the real server (the built CLI) with those legs heartbeating
// a local echo server, and opens each page a user meets in Debian's Chromium with a cold cache:
//   - one target, 10 legs: that target's page (`/?target=…`);
//   - 10 targets × 5 legs: the targets overview (`/`: every target's state, open outages, latest verdict) and
//     one target's page with its 5 legs.
// Printed beside the budget and a baseline from the same server and browser (the load of a blank page), with
// the page's main-thread CPU time until interactive (from a light trace of each run: the machine is shared, and
// its load stretches wall time, not CPU time) and the API requests each page made (count, bytes, when the
// last one answered). Needs the server and dashboard
// built (npm run bench builds them).
//   node scripts/bench/web.mjs [--hours 24] [--runs 5] [--only single|multi] [--trace DIR] [--keep]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
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
    hours: { type: 'string', default: '24' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    trace: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const HOURS = positiveInt(args.hours, '--hours');
const RUNS = positiveInt(args.runs, '--runs');
const BUDGET_MS = 2_000;
/** What the light trace of every run records: top-level tasks (with their thread time) and the page's marks. */
const CPU_TRACE_CATEGORIES = ['toplevel', 'blink.user_timing'];
const SEGMENTS = ['last-mile', 'cdn', 'lb', 'app'];
const HOUR = 3_600_000;
// The same browser and flags as the e2e specs.
const CHROMIUM = JSON.parse(readFileSync(new URL('../../e2e/chromium.json', import.meta.url), 'utf8'));

/** The two setups of the budget; each page is one printed row. */
const SETUPS = [
  {
    key: 'single',
    targets: 1,
    legsPerTarget: 10,
    pages: (names) => [
      { name: `target page (${names[0]})`, path: `/?target=${names[0]}&range=24h`, ready: TARGET_WINDOW },
    ],
  },
  {
    key: 'multi',
    targets: 10,
    legsPerTarget: 5,
    pages: (names) => [
      { name: 'targets overview (/)', path: '/', ready: TARGETS_OVERVIEW },
      { name: `target page (${names[0]})`, path: `/?target=${names[0]}&range=24h`, ready: TARGET_WINDOW },
    ],
  },
];
// "Interactive" starts when the page marks its data drawn (a tested contract of each page: data-ready).
const TARGET_WINDOW = {
  selector: '[data-testid="target-window"][data-ready="true"]',
  count: '[data-testid="leg-row"]',
  expect: (setup) => setup.legsPerTarget,
};
const TARGETS_OVERVIEW = {
  selector: '[data-testid="targets-overview"][data-ready="true"]',
  count: '[data-testid="target-card"]',
  expect: (setup) => setup.targets,
};

if (args.only !== undefined && !SETUPS.some((s) => s.key === args.only)) {
  console.error(
    `--only: must be one of ${SETUPS.map((s) => s.key).join(', ')} (got ${JSON.stringify(args.only)})`,
  );
  process.exit(2);
}

const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
echo.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
await new Promise((resolve) => echo.once('listening', resolve));
let browser = null;
const rows = [];

try {
  browser = await chromium.launch({ executablePath: CHROMIUM.executablePath, args: CHROMIUM.args });
  for (const setup of SETUPS) {
    if (args.only === undefined || args.only === setup.key) rows.push(...(await bench(setup)));
  }
  report(rows);
} finally {
  await browser?.close();
  await new Promise((resolve) => echo.close(resolve));
}

/** One setup end to end: its own data dir and server, every page of it measured RUNS times. */
async function bench(setup) {
  const dir = mkdtempSync(join(tmpdir(), `hopwatch-bench-web-${setup.key}-`));
  const targets = Array.from({ length: setup.targets }, (_, t) => ({
    name: setup.targets === 1 ? 'bench' : `bench-${String(t).padStart(2, '0')}`,
    legs: Array.from({ length: setup.legsPerTarget }, (_, i) => ({
      name: `leg-${String(i).padStart(2, '0')}`,
      enters: SEGMENTS[1 + (i % 3)],
    })),
  }));
  let child = null;
  try {
    await seed(dir, targets);
    const port = await freePort();
    child = startServer(dir, port, targets);
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(child, dir, url);
    const measured = [];
    for (const page of setup.pages(targets.map((t) => t.name))) {
      measured.push({ setup, page, ...(await measure(url, page, page.ready.expect(setup))) });
    }
    return measured;
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (args.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** HOURS of history for every leg of every target, written as the prober and the judge would have published it. */
async function seed(dir, targets) {
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
  const sessions = targets.map((target) =>
    target.legs.map((leg) => ({ id: `${target.name}/${leg.name}-0`, openedAt: from, n: 0 })),
  );
  const open = (t, l, ts) => {
    bus.publish({
      kind: 'session_open',
      ts,
      target: targets[t].name,
      leg: targets[t].legs[l].name,
      sessionId: sessions[t][l].id,
      handshake,
    });
  };
  targets.forEach((target, t) => {
    target.legs.forEach((_, l) => {
      open(t, l, from);
    });
  });
  const started = performance.now();
  let random = 7;
  let drops = 0;
  let samples = 0;
  // Every ~40 min a shared hop (lb) of each target resets: the legs that cross it drop together and a verdict
  // follows. Targets drop at different moments, as unrelated services would.
  const clusterEveryS = 2_400;
  const dropCluster = (t, at) => {
    const target = targets[t];
    const dropped = [];
    const sessionIds = [];
    target.legs.forEach((leg, l) => {
      if (leg.enters === 'app') return;
      const current = sessions[t][l];
      bus.publish({
        kind: 'session_close',
        ts: at,
        target: target.name,
        leg: leg.name,
        session: {
          id: current.id,
          target: target.name,
          leg: leg.name,
          openedAt: current.openedAt,
          closedAt: at,
          durationMs: at - current.openedAt,
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
      current.id = `${target.name}/${leg.name}-${current.n}`;
      current.openedAt = at + 1_500;
    });
    clock = at + 1_500;
    target.legs.forEach((leg, l) => {
      if (leg.enters !== 'app') open(t, l, clock);
    });
    bus.publish({
      kind: 'verdict',
      ts: clock + 8_000,
      target: target.name,
      leg: null,
      verdict: {
        id: `bench-${target.name}-${at}`,
        target: target.name,
        kind: 'cluster',
        at,
        from: at - 7_500,
        to: at + 7_500,
        dropped,
        clean: target.legs.filter((leg) => leg.enters === 'app').map((leg) => leg.name),
        unknown: [],
        suspects: ['lb'],
        confidence: 'high',
        signatures: [],
        summary: `lb: ${dropped.length} legs dropped together while the app legs stayed up`,
        sessionIds,
        judgedAt: clock + 8_000,
        // As the judge publishes a verdict today: no Prometheus evidence, judged for good.
        evidence: [],
        final: true,
      },
    });
  };
  for (let s = 0; s < HOURS * 3_600; s += 1) {
    const second = from + s * 1_000;
    targets.forEach((target, t) => {
      // Each target's clusters are phase-shifted by a few minutes from the previous target's.
      const phase = s + t * 217;
      if (s > 0 && phase % clusterEveryS === 0) dropCluster(t, second);
      clock = second;
      target.legs.forEach((leg, l) => {
        random = (random * 1_103_515_245 + 12_345) % 2_147_483_648;
        bus.publish({
          kind: 'rtt',
          ts: second + l,
          target: target.name,
          leg: leg.name,
          sessionId: sessions[t][l].id,
          seq: s,
          rttMs: random % 700 === 0 ? null : 2 + (random % 400) / 100 + (random % 97 === 0 ? 40 : 0),
          suspect: false,
        });
        samples += 1;
      });
    });
  }
  await store.close();
  const legs = targets.reduce((sum, t) => sum + t.legs.length, 0);
  console.log(
    `seeded ${samples.toLocaleString('en')} RTT samples, ${drops} drops (${targets.length} target(s), ` +
      `${legs} legs × ${HOURS} h) in ${((performance.now() - started) / 1_000).toFixed(1)} s`,
  );
}

function startServer(dir, port, targets) {
  const echoUrl = `ws://127.0.0.1:${echo.address().port}/ws`;
  const targetsYaml = targets
    .map(
      (target) =>
        `  - name: ${target.name}\n    segments: [${SEGMENTS.join(', ')}]\n` +
        '    heartbeat: { mode: ping, interval: 1s, timeout: 5s }\n    legs:\n' +
        target.legs
          .map((leg) => `      - { name: ${leg.name}, url: "${echoUrl}", enters: ${leg.enters} }`)
          .join('\n'),
    )
    .join('\n');
  const config = join(dir, 'hopwatch.yaml');
  writeFileSync(
    config,
    `storage:\n  sqlite: ${join(dir, 'hopwatch.db')}\nlab:\n  enabled: false\ntargets:\n${targetsYaml}\n`,
  );
  const log = openSync(join(dir, 'server.log'), 'a');
  return spawn(process.execPath, [CLI, '--config', config, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: ['ignore', log, log],
    env: { ...process.env, HOPWATCH_CONFIG: '', HOPWATCH_LOG_LEVEL: 'warn' },
  });
}

/** One page RUNS times, each in a new context: cold HTTP cache, no React Query cache, like opening a link. */
async function measure(url, page, expected) {
  // The machine is shared: the 1-minute load average as this page's runs start, printed with its row.
  const out = { blank: [], ready: [], interactive: [], cpu: [], api: null, points: 0, load: loadavg()[0] };
  for (let run = 0; run < RUNS; run += 1) {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const tab = await context.newPage();
    await tab.goto(`${url}/healthz`, { waitUntil: 'load' });
    out.blank.push(await tab.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));

    tab.on('response', async (response) => {
      if (!response.url().includes('/api/rtt')) return;
      try {
        const body = await response.json();
        out.points = Math.max(out.points, body.points.length);
      } catch {
        // a navigation may cut a body short
      }
    });
    await tab.addInitScript((selector) => {
      // Record, as the page itself sees it, the moment it marks its data drawn, and the moment after it when
      // the main thread is free again to answer input (the next frame, then a task boundary). Taken in the
      // page: Playwright's own round trips to notice the marker are not the page's time.
      new MutationObserver((_, observer) => {
        if (!document.querySelector(selector)) return;
        observer.disconnect();
        window.hopwatchReadyAt = performance.now();
        requestAnimationFrame(() =>
          setTimeout(() => {
            window.hopwatchFreeAt = performance.now();
            // The same moment in the trace, where the main thread's CPU until then is read (mainThreadCpu).
            performance.mark('hopwatch-free');
          }, 0),
        );
      }).observe(document, { subtree: true, attributes: true, childList: true });
    }, page.ready.selector);
    // Every run is traced, lightly (top-level tasks and marks), for its main thread's CPU time; with --trace
    // the last one fully (Playwright's default categories hold those two), and written out.
    const tracing = args.trace !== undefined && run === RUNS - 1;
    await browser.startTracing(tab, tracing ? { screenshots: false } : { categories: CPU_TRACE_CATEGORIES });
    await tab.goto(`${url}${page.path}`);
    await tab.waitForSelector(page.ready.selector, { timeout: 60_000 });
    const count = await tab.locator(page.ready.count).count();
    if (count !== expected)
      throw new Error(`${page.name}: expected ${expected} × ${page.ready.count}, got ${count}`);
    // Interactive: measured from navigation start (above). The API requests are those the page's Resource
    // Timing saw by then: the waterfall in numbers.
    await tab.waitForFunction(() => window.hopwatchFreeAt !== undefined, null, { timeout: 60_000 });
    const seen = await tab.evaluate(() => ({
      readyAt: window.hopwatchReadyAt,
      freeAt: window.hopwatchFreeAt,
      api: performance
        .getEntriesByType('resource')
        .filter((e) => new URL(e.name).pathname.startsWith('/api/') && e.responseEnd <= window.hopwatchFreeAt)
        .map((e) => ({ path: new URL(e.name).pathname, bytes: e.encodedBodySize, end: e.responseEnd })),
    }));
    const trace = await browser.stopTracing();
    out.cpu.push(mainThreadCpu(JSON.parse(trace.toString('utf8'))));
    if (tracing) {
      mkdirSync(args.trace, { recursive: true });
      const file = join(args.trace, `${page.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.json`);
      writeFileSync(file, trace);
      console.log(`trace of ${page.name}: ${file}`);
    }
    out.ready.push(seen.readyAt);
    out.interactive.push(seen.freeAt);
    out.api = seen.api;
    await context.close();
  }
  return out;
}

/**
 * The CPU time (not wall time: a loaded machine stretches that) the page's main thread spent in tasks from
 * its navigation to the 'hopwatch-free' mark, from a trace of the run.
 */
function mainThreadCpu(trace) {
  const events = trace.traceEvents ?? trace;
  const free = events.find((e) => e.name === 'hopwatch-free');
  if (!free) throw new Error('the trace has no hopwatch-free mark');
  const start = events.find(
    (e) => e.name === 'navigationStart' && e.args?.data?.navigationId === free.args?.data?.navigationId,
  );
  if (!start) throw new Error('the trace has no navigationStart for the page');
  let thread = 0;
  for (const e of events) {
    if (e.name !== 'ThreadControllerImpl::RunTask' || e.pid !== free.pid || e.tid !== free.tid) continue;
    if (e.ts >= start.ts && e.ts <= free.ts) thread += e.tdur ?? 0;
  }
  return thread / 1_000;
}

function report(measured) {
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const [one, five, fifteen] = loadavg();
  console.log(
    `\nheadless Chromium at 1920×1080, ${RUNS} runs per page, cold cache each, ${HOURS} h of history; ` +
      `load average ${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)} on ${availableParallelism()} cores`,
  );
  for (const { setup, page, blank, ready, interactive, cpu, api, points, load } of measured) {
    const byPath = new Map();
    for (const r of api) byPath.set(r.path, (byPath.get(r.path) ?? 0) + 1);
    const bytes = api.reduce((sum, r) => sum + r.bytes, 0);
    const lastEnd = Math.max(0, ...api.map((r) => r.end));
    console.log(
      `${page.name}: ${setup.targets} target(s) × ${setup.legsPerTarget} legs (load average ${load.toFixed(2)})`,
    );
    console.log(`  data drawn:   median ${fmt(median(ready))}, max ${fmt(Math.max(...ready))}`);
    console.log(
      `  interactive:  median ${fmt(median(interactive))}, max ${fmt(Math.max(...interactive))}   ` +
        `(budget ${fmt(BUDGET_MS)}: ${median(interactive) <= BUDGET_MS ? 'within' : 'OVER'})`,
    );
    console.log(
      `  main-thread CPU until interactive: median ${fmt(median(cpu))}, max ${fmt(Math.max(...cpu))}   ` +
        "(the page's own work: what the machine's load does not change)",
    );
    console.log(`  baseline, a blank page from the same server: median ${fmt(median(blank))}`);
    console.log(
      `  API: ${api.length} requests, ${(bytes / 1024).toFixed(0)} KiB, last answered at ${fmt(lastEnd)} ` +
        `(${[...byPath].map(([path, n]) => `${n}× ${path}`).join(', ')})` +
        (points > 0 ? `; ${points} RTT points per leg (server-downsampled)` : ''),
    );
  }
}

async function waitHealthy(child, dir, url) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${serverLog(dir)}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`server did not answer /healthz:\n${serverLog(dir)}`);
}

function serverLog(dir) {
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
