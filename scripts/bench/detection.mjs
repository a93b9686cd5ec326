#!/usr/bin/env node
// Detection bench (docs/spec.md#8-budgets): "a reset or close is on every open dashboard within 250 ms". hopwatch's
// built app with a real SQLite store publishes a `session_close` (cause reset) every 200 ms under a steady
// background of heartbeats; 100 dashboards on WS /api/live record when each arrives. The figure is the time
// until the LAST dashboard has it, since events are relayed only once committed (docs/storage.md, "seq is
// never reused"). Baseline, same run: a bare `ws` server broadcasting the same frames without any store.
//
//   node scripts/bench/detection.mjs [--clients 100] [--drops 50] [--rate 500]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBareLive, startHopwatchLive } from './lib/live-servers.mjs';

const BUDGET_MS = 250;
const DROP_EVERY_MS = 200;
const now = () => performance.timeOrigin + performance.now();

const { values: args } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    clients: { type: 'string', default: '100' },
    drops: { type: 'string', default: '50' },
    rate: { type: 'string', default: '500' },
  },
});

function dropEvent(n) {
  const ts = now();
  return {
    kind: 'session_close',
    ts,
    target: 'bench',
    leg: 'l1',
    session: {
      id: `bench/l1/${n}`,
      target: 'bench',
      leg: 'l1',
      openedAt: Math.floor(ts) - 1_000,
      closedAt: Math.floor(ts),
      durationMs: 1_000,
      silenceMs: 10,
      cause: 'reset',
      closeCode: 1006,
      closeReason: null,
      httpStatus: null,
      error: 'ECONNRESET',
      suspect: false,
      handshake: { dnsMs: null, tcpMs: 1, tlsMs: null, upgradeMs: 1, alpn: null, remoteAddress: '127.0.0.1' },
    },
  };
}

function rttEvent(seq) {
  return {
    kind: 'rtt',
    ts: Date.now(),
    target: 'bench',
    leg: 'l2',
    sessionId: 's2',
    seq,
    rttMs: 1,
    suspect: false,
  };
}

// --- role: server ---

async function runServer(kind) {
  const server = kind === 'hopwatch' ? await startHopwatchLive('detection') : await startBareLive();
  process.send({ type: 'ready', port: server.port });
  process.on('message', async (message) => {
    if (message.type === 'run') {
      let rtt = 0;
      const background = setInterval(() => {
        for (let i = 0; i < message.rate / 100; i += 1) server.publish(rttEvent(++rtt));
      }, 10);
      for (let n = 1; n <= message.drops; n += 1) {
        await new Promise((wait) => setTimeout(wait, DROP_EVERY_MS));
        server.publish(dropEvent(n));
      }
      clearInterval(background);
      process.send({ type: 'done' });
    } else if (message.type === 'stop') {
      await server.close();
      process.exit(0);
    }
  });
}

// --- role: main (the dashboards live here; the server has its own process) ---
async function measure(kind, clients, drops, rate) {
  const { WebSocket } = await import('ws');
  const server = fork(fileURLToPath(import.meta.url), ['--role', `server-${kind}`], { stdio: 'inherit' });
  const next = (type) =>
    new Promise((done) => {
      const on = (message) => {
        if (message.type !== type) return;
        server.off('message', on);
        done(message);
      };
      server.on('message', on);
    });
  const { port } = await next('ready');
  /** session id → arrival time at the last dashboard so far, and how many have it */
  const arrivals = new Map();
  const sockets = await Promise.all(
    Array.from(
      { length: clients },
      () =>
        new Promise((open) => {
          const socket = new WebSocket(`ws://127.0.0.1:${port}/api/live`);
          socket.on('message', (data) => {
            const text = String(data);
            if (!text.includes('"session_close"')) return;
            const { event } = JSON.parse(text);
            const seen = arrivals.get(event.session.id) ?? { count: 0, last: 0, ts: event.ts };
            seen.count += 1;
            seen.last = Math.max(seen.last, now());
            arrivals.set(event.session.id, seen);
          });
          socket.once('open', () => open(socket));
        }),
    ),
  );
  server.send({ type: 'run', drops, rate });
  await next('done');
  await new Promise((settle) => setTimeout(settle, 1_000));
  for (const socket of sockets) socket.terminate();
  server.send({ type: 'stop' });
  await new Promise((exit) => server.once('exit', exit));
  const latencies = [...arrivals.values()]
    .filter((a) => a.count === clients)
    .map((a) => a.last - a.ts)
    .sort((a, b) => a - b);
  const at = (q) =>
    latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? Number.NaN;
  return { kind, p50: at(0.5), p99: at(0.99), max: at(1), onEvery: latencies.length, drops };
}

async function main() {
  const clients = Number(args.clients);
  const drops = Number(args.drops);
  const rate = Number(args.rate);
  console.log(
    `detection: ${clients} dashboards, ${drops} resets under ${rate} heartbeats/s, same run, same machine`,
  );
  const rows = [];
  for (const kind of ['bare', 'hopwatch']) rows.push(await measure(kind, clients, drops, rate));
  const fmt = (ms) => `${ms.toFixed(1)} ms`.padStart(12);
  console.log(
    `${'reset → every dashboard'.padEnd(32)}${['p50', 'p99', 'max'].map((h) => h.padStart(12)).join('')}  on every dashboard`,
  );
  for (const row of rows) {
    const name = row.kind === 'bare' ? 'baseline: bare ws, no store' : 'hopwatch (relay once committed)';
    console.log(
      `${name.padEnd(32)}${fmt(row.p50)}${fmt(row.p99)}${fmt(row.max)}  ${row.onEvery}/${row.drops}`,
    );
  }
  const hopwatch = rows.find((r) => r.kind === 'hopwatch');
  const within = hopwatch.max < BUDGET_MS && hopwatch.onEvery === hopwatch.drops;
  console.log(`budget: every reset on every dashboard < ${BUDGET_MS} ms → ${within ? 'within' : 'OVER'}`);
}

if (args.role === 'main') await main();
else if (args.role === 'server-hopwatch') await runServer('hopwatch');
else if (args.role === 'server-bare') await runServer('bare');
