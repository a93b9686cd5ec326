// What the prober and server benches share: a plain ws echo server (pongs come from ws itself), the bare `ws`
// loop every figure is compared with, and the measuring of one side in a process of its own.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const SERVER_DIR = resolve(HERE, '../../../apps/server');
export const SERVER_DIST = resolve(SERVER_DIR, 'dist');
// ws is a dependency of the server workspace: resolve it from there, as the built prober does.
const { WebSocket, WebSocketServer } = createRequire(resolve(SERVER_DIR, 'package.json'))('ws');

/** monitorEventLoopDelay reports the whole timer period; the delay is what exceeds it */
export const DELAY_RESOLUTION_MS = 10;
const CONNECT_DEADLINE_MS = 120_000;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** An echo server on a free loopback port; tells its parent the port. */
export function runEcho() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, backlog: 4096, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  wss.on('listening', () => process.send({ type: 'ready', port: wss.address().port }));
}

/**
 * The baseline: the same connections and the same pings, nothing else. Each leg's phase is spread evenly over
 * the interval, as hopwatch spreads its legs, so both sides send the same ping pattern.
 */
export function startBare(url, legs, intervalMs, record) {
  const sockets = [];
  const timers = [];
  let up = 0;
  for (let i = 0; i < legs; i++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const sent = new Map();
    let seq = 0;
    ws.on('open', () => {
      up += 1;
      const phase = setTimeout(
        () => {
          const beat = () => {
            seq += 1;
            sent.set(String(seq), performance.now());
            ws.ping(String(seq));
          };
          beat();
          timers.push(setInterval(beat, intervalMs));
        },
        ((i + 0.5) / legs) * intervalMs,
      );
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

/**
 * Runs in a runner process: waits for every leg to be up, warms up, then measures CPU, RSS, RTT quantiles and
 * event-loop delay over the window and sends the result to the parent.
 */
export async function measureInProcess(side, makeSide, { legs, intervalMs, warmupMs, windowMs }) {
  const rtts = [];
  let measuring = false;
  const record = (ms) => {
    if (measuring) rtts.push(ms);
  };
  const running = await makeSide(record);
  const connectDeadline = Date.now() + CONNECT_DEADLINE_MS;
  while (running.up() < legs) {
    if (Date.now() > connectDeadline) throw new Error(`${side}: only ${running.up()} of ${legs} connected`);
    await sleep(100);
  }
  await sleep(warmupMs);
  const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  delay.enable();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  measuring = true;
  await sleep(windowMs);
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
    expectedSamples: Math.round((legs * windowMs) / intervalMs),
    rttP50Ms: quantile(rtts, 0.5),
    rttP99Ms: quantile(rtts, 0.99),
    delayP99Ms: Math.max(0, delay.percentile(99) / 1e6 - DELAY_RESOLUTION_MS),
    up: running.up(),
    ...running.extra(),
  };
  await running.stop();
  process.send({ type: 'result', result });
}

export function child(script, role, extra = []) {
  return fork(script, ['--role', role, ...extra], { stdio: 'inherit' });
}

export function nextMessage(proc, type) {
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

/** One side in fresh processes (an echo server and a runner), so neither side inherits the other's state. */
export async function measureSide(script, side, { legs, intervalMs, warmupMs, windowMs }) {
  const echo = child(script, 'echo');
  try {
    const { port } = await nextMessage(echo, 'ready');
    const runner = child(script, 'run', [
      '--side',
      side,
      '--port',
      String(port),
      '--legs',
      String(legs),
      '--interval',
      String(intervalMs),
      '--warmup',
      String(warmupMs / 1000),
      '--seconds',
      String(windowMs / 1000),
    ]);
    const { result } = await nextMessage(runner, 'result');
    runner.kill();
    return result;
  } finally {
    echo.kill();
  }
}

/** Prints rows as an aligned table. */
export function printTable(rows) {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => String(row[col]).length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, col) => String(cell).padEnd(widths[col]))
        .join('   ')
        .trimEnd(),
    );
}

export const verdict = (ok) => (ok ? 'ok' : 'OVER BUDGET');
