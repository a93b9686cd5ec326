#!/usr/bin/env node
// Prober bench (docs/spec.md#8-budgets): the prober module alone, for profiling it (the budgets are measured on
// the whole server by server.mjs): 5,000 legs pinging every 1 s against a local echo server in another process,
// beside a bare `ws` loop doing the same pings in the same run. Prints CPU, RSS, RTT p50/p99 and event-loop
// delay p99 for both, with the budgets: CPU ≤ 2× the bare loop, RTT p50 within 0.1 ms of it, delay p99 < 20 ms.
//
// Processes: this one orchestrates; per side, one echo server (a plain ws server: pongs come from ws itself)
// and one runner (the bare loop, or hopwatch's built Prober publishing onto a real EventBus). Each side gets
// fresh processes so neither inherits the other's heap, sockets or JIT state.
//
//   node scripts/bench/prober.mjs [--legs 5000] [--interval 1000] [--warmup 3] [--seconds 10]
// Needs a build (`npm run build`); `npm run bench -- prober` builds first.
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  measureInProcess,
  measureSide,
  printTable,
  runEcho,
  SERVER_DIST,
  startBare,
  verdict,
} from './lib/legs.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
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
const OPTIONS = {
  legs: Number(args.legs),
  intervalMs: Number(args.interval),
  warmupMs: Number(args.warmup) * 1000,
  windowMs: Number(args.seconds) * 1000,
};
const LEGS = OPTIONS.legs;
const INTERVAL_MS = OPTIONS.intervalMs;
const WARMUP_MS = OPTIONS.warmupMs;
const WINDOW_MS = OPTIONS.windowMs;

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

async function main() {
  console.log(
    `prober: ${LEGS} legs, ping every ${INTERVAL_MS} ms, ${WARMUP_MS / 1000} s warm-up, ${WINDOW_MS / 1000} s window; ` +
      'echo server in another process',
  );
  // Both sides share the machine with whatever else runs: a loaded machine inflates RTT and loop delay.
  console.log(`machine: ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(2)} at start`);
  if (args.only) {
    console.log(await measureSide(SCRIPT, args.only, OPTIONS));
    return;
  }
  const bare = await measureSide(SCRIPT, 'bare', OPTIONS);
  const prober = await measureSide(SCRIPT, 'prober', OPTIONS);

  const cpuRatio = prober.cpuPercent / bare.cpuPercent;
  const p50Delta = prober.rttP50Ms - bare.rttP50Ms;
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
  printTable(rows);
}

if (args.role === 'echo') runEcho();
else if (args.role === 'run') {
  const url = `ws://127.0.0.1:${Number(args.port)}/ws`;
  const makeSide =
    args.side === 'prober'
      ? (record) => startProber(url, record)
      : async (record) => startBare(url, LEGS, INTERVAL_MS, record);
  measureInProcess(args.side, makeSide, OPTIONS).catch((error) => {
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
