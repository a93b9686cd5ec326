#!/usr/bin/env node
// Prober bench (docs/spec.md#8-budgets): 5,000 legs pinging every 1 s against a local echo server in another process,
// beside a bare `ws` loop doing the same pings in the same run. Prints CPU, RSS, RTT p50/p99 and event-loop
// delay p99 for both, with the budgets: CPU ≤ 2× the bare loop, RTT p50 within 0.1 ms of it, delay p99 < 20 ms.
//
// Processes: this one orchestrates; per side, one echo server (a plain ws server: pongs come from ws itself)
// and one runner (the bare loop, or hopwatch's built Prober publishing onto a real EventBus). Each side gets
// fresh processes so neither inherits the other's heap, sockets or JIT state.
//
//   node scripts/bench/prober.mjs [--legs 5000] [--interval 1000] [--warmup 3] [--seconds 10]
// Needs a build (`npm run build`); `npm run bench -- prober` builds first.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER_DIR = resolve(HERE, '../../apps/server');
const SERVER_DIST = resolve(SERVER_DIR, 'dist');
// ws is a dependency of the server workspace: resolve it from there, as the built prober does.
const { WebSocket, WebSocketServer } = createRequire(resolve(SERVER_DIR, 'package.json'))('ws');

const BUDGET = { cpuRatio: 2, p50DeltaMs: 0.1, delayP99Ms: 20 };

const { values: args } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    side: { type: 'string' },
    port: { type: 'string' },
    legs: { type: 'string', default: '5000' },
    interval: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    /** measure one side only (for profiling) */
    only: { type: 'string' },
  },
});
const LEGS = Number(args.legs);
const INTERVAL_MS = Number(args.interval);
const WARMUP_MS = Number(args.warmup) * 1000;
const WINDOW_MS = Number(args.seconds) * 1000;
const CONNECT_DEADLINE_MS = 60_000;
/** monitorEventLoopDelay reports the whole timer period; the delay is what exceeds it */
const DELAY_RESOLUTION_MS = 10;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- role: echo server ---
function runEcho() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, backlog: 4096, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  wss.on('listening', () => process.send({ type: 'ready', port: wss.address().port }));
}

// --- role: runner (one side) ---
async function runSide(side, port) {
  const url = `ws://127.0.0.1:${port}/ws`;
  const rtts = [];
  let measuring = false;
  const record = (ms) => {
    if (measuring) rtts.push(ms);
  };
  const side_ = side === 'prober' ? await startProber(url, record) : startBare(url, record);

  const connectDeadline = Date.now() + CONNECT_DEADLINE_MS;
  while (side_.up() < LEGS) {
    if (Date.now() > connectDeadline) throw new Error(`${side}: only ${side_.up()} of ${LEGS} connected`);
    await sleep(100);
  }
  await sleep(WARMUP_MS);

  const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  delay.enable();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  measuring = true;
  await sleep(WINDOW_MS);
  measuring = false;
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - wallBefore;
  delay.disable();

  rtts.sort((a, b) => a - b);
  const result = {
    side,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    rssMb: process.memoryUsage().rss / 1024 / 1024,
    samples: rtts.length,
    expectedSamples: Math.round((LEGS * WINDOW_MS) / INTERVAL_MS),
    rttP50Ms: quantile(rtts, 0.5),
    rttP99Ms: quantile(rtts, 0.99),
    delayP99Ms: Math.max(0, delay.percentile(99) / 1e6 - DELAY_RESOLUTION_MS),
    up: side_.up(),
    ...side_.extra(),
  };
  await side_.stop();
  process.send({ type: 'result', result });
}

function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** The baseline: the same connections and the same pings, nothing else. */
function startBare(url, record) {
  const sockets = [];
  const timers = [];
  let up = 0;
  for (let i = 0; i < LEGS; i++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const sent = new Map();
    let seq = 0;
    ws.on('open', () => {
      up += 1;
      // the same spread the prober uses: a random phase within the interval
      const phase = setTimeout(() => {
        const beat = () => {
          seq += 1;
          sent.set(String(seq), performance.now());
          ws.ping(String(seq));
        };
        beat();
        timers.push(setInterval(beat, INTERVAL_MS));
      }, Math.random() * INTERVAL_MS);
      timers.push(phase);
    });
    ws.on('pong', (payload) => {
      const key = payload.toString();
      const at = sent.get(key);
      if (at === undefined) return;
      sent.delete(key);
      record(performance.now() - at);
    });
    ws.on('error', () => {});
    sockets.push(ws);
  }
  return {
    up: () => up,
    extra: () => ({}),
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      for (const ws of sockets) ws.terminate();
    },
  };
}

/** hopwatch's Prober from the build, publishing onto a real EventBus (in-memory sequencing, no storage). */
async function startProber(url, record) {
  const { Prober } = await import(pathToFileURL(resolve(SERVER_DIST, 'probe/prober.js')).href);
  const { EventBus } = await import(pathToFileURL(resolve(SERVER_DIST, 'events/bus.js')).href);
  const bus = new EventBus();
  let lost = 0;
  let suspect = 0;
  let drops = 0;
  let stalls = 0;
  bus.subscribe(({ event }) => {
    if (event.kind === 'rtt') {
      if (event.rttMs === null) lost += 1;
      else record(event.rttMs);
      if (event.suspect) suspect += 1;
    } else if (event.kind === 'session_close' && event.session.cause !== null) drops += 1;
    else if (event.kind === 'prober_stall') stalls += 1;
  });
  const legs = Array.from({ length: LEGS }, (_, i) => ({
    name: `leg-${i}`,
    url,
    enters: 'app',
    covers: ['app', `leg-${i}:entry`],
    headers: {},
    subprotocols: [],
    origin: null,
    tls: { insecure: false, ca: null, servername: null },
    heartbeat: { mode: 'ping', intervalMs: INTERVAL_MS, timeoutMs: 20_000, send: '', expect: '' },
    reconnect: { initialMs: 1_000, maxMs: 60_000 },
    open: [],
  }));
  const prober = new Prober({
    targets: [{ name: 'bench', segments: ['last-mile', 'app'], correlationWindowMs: 25_000, legs }],
    bus,
    stallThresholdMs: 1_000,
  });
  prober.start();
  return {
    up: () => prober.status().filter((s) => s.state === 'up').length,
    extra: () => ({ lost, suspect, drops, stalls }),
    stop: () => prober.stop(),
  };
}

// --- role: main ---
function child(role, extra = []) {
  return fork(fileURLToPath(import.meta.url), ['--role', role, ...extra], { stdio: 'inherit' });
}

function nextMessage(proc, type) {
  return new Promise((resolvePromise, reject) => {
    const onMessage = (message) => {
      if (message.type !== type) return;
      proc.off('exit', onExit);
      proc.off('message', onMessage);
      resolvePromise(message);
    };
    const onExit = (code) => reject(new Error(`${type}: child exited with ${code}`));
    proc.on('message', onMessage);
    proc.once('exit', onExit);
  });
}

async function measure(side) {
  const echo = child('echo');
  try {
    const { port } = await nextMessage(echo, 'ready');
    const runner = child('run', [
      '--side',
      side,
      '--port',
      String(port),
      '--legs',
      String(LEGS),
      '--interval',
      String(INTERVAL_MS),
      '--warmup',
      String(WARMUP_MS / 1000),
      '--seconds',
      String(WINDOW_MS / 1000),
    ]);
    const { result } = await nextMessage(runner, 'result');
    runner.kill();
    return result;
  } finally {
    echo.kill();
  }
}

async function main() {
  console.log(
    `prober: ${LEGS} legs, ping every ${INTERVAL_MS} ms, ${WARMUP_MS / 1000} s warm-up, ${WINDOW_MS / 1000} s window; ` +
      'echo server in another process',
  );
  // Both sides share the machine with whatever else runs: a loaded machine inflates RTT and loop delay.
  console.log(`machine: ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(2)} at start`);
  if (args.only) {
    console.log(await measure(args.only));
    return;
  }
  const bare = await measure('bare');
  const prober = await measure('prober');

  const cpuRatio = prober.cpuPercent / bare.cpuPercent;
  const p50Delta = prober.rttP50Ms - bare.rttP50Ms;
  const verdict = (ok) => (ok ? 'ok' : 'OVER BUDGET');
  const rows = [
    ['', 'bare ws loop', 'hopwatch prober', 'budget'],
    [
      'CPU',
      `${bare.cpuPercent.toFixed(1)} %`,
      `${prober.cpuPercent.toFixed(1)} % (${cpuRatio.toFixed(2)}×)`,
      `≤ ${BUDGET.cpuRatio}× bare: ${verdict(cpuRatio <= BUDGET.cpuRatio)}`,
    ],
    ['RSS', `${bare.rssMb.toFixed(0)} MB`, `${prober.rssMb.toFixed(0)} MB`, ''],
    [
      'RTT p50',
      `${bare.rttP50Ms.toFixed(3)} ms`,
      `${prober.rttP50Ms.toFixed(3)} ms (${p50Delta >= 0 ? '+' : ''}${p50Delta.toFixed(3)})`,
      `within ${BUDGET.p50DeltaMs} ms of bare: ${verdict(Math.abs(p50Delta) <= BUDGET.p50DeltaMs)}`,
    ],
    ['RTT p99', `${bare.rttP99Ms.toFixed(3)} ms`, `${prober.rttP99Ms.toFixed(3)} ms`, ''],
    [
      'loop delay p99',
      `${bare.delayP99Ms.toFixed(2)} ms`,
      `${prober.delayP99Ms.toFixed(2)} ms`,
      `< ${BUDGET.delayP99Ms} ms: ${verdict(prober.delayP99Ms < BUDGET.delayP99Ms)}`,
    ],
    [
      'RTT samples',
      `${bare.samples} of ${bare.expectedSamples}`,
      `${prober.samples} of ${prober.expectedSamples}`,
      '',
    ],
    [
      '',
      '',
      `lost ${prober.lost}, suspect ${prober.suspect}, drops ${prober.drops}, stalls ${prober.stalls}`,
      '',
    ],
  ];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, col) => cell.padEnd(widths[col]))
        .join('   ')
        .trimEnd(),
    );
}

if (args.role === 'echo') runEcho();
else if (args.role === 'run') {
  runSide(args.side, Number(args.port)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
