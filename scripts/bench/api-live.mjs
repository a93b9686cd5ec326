#!/usr/bin/env node
// Live fan-out bench (docs/spec.md#8-budgets): 1,000 dashboards on WS /api/live, 1,000 events/s for 10 s, and
// the event-to-dashboard latency p50/p99 against a 50 ms p99 budget with no dashboard cut. Printed beside a baseline measured in the
// same run: a bare `ws` server broadcasting the same frames to the same number of clients, one ws.send per
// event per client (what a plain ws server does).
//
// Three processes, so the clients do not steal the server's event loop: this one (orchestrates), one server
// (hopwatch's built app with a real SQLite store, or the bare ws baseline) and one client process whose
// sockets speak just enough WebSocket to find each frame's send time. Events carry the time they were due
// as a fractional wall-clock `ts` (performance.timeOrigin + performance.now()), comparable across processes,
// so a server too busy to publish on time shows that as latency too.
//
//   node scripts/bench/api-live.mjs [--clients 1000] [--rate 1000] [--seconds 10]
// Needs a build (`npm run build`); `npm run bench -- api` builds first.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBareLive, startHopwatchLive } from './lib/live-servers.mjs';

const BUDGET_P99_MS = 50;
const now = () => performance.timeOrigin + performance.now();

const { values: args } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    clients: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    port: { type: 'string' },
  },
});

// --- latency histogram: log buckets of 2% from 1 µs, mergeable across processes ---
const BUCKET_BASE = 1.02;
const MIN_MS = 0.001;
const bucketOf = (ms) => (ms <= MIN_MS ? 0 : Math.ceil(Math.log(ms / MIN_MS) / Math.log(BUCKET_BASE)));
const bucketUpperMs = (b) => MIN_MS * BUCKET_BASE ** b;

function quantile(histogram, total, q) {
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (const [bucket, count] of [...histogram.entries()].sort((a, b) => a[0] - b[0])) {
    seen += count;
    if (seen >= rank) return bucketUpperMs(bucket);
  }
  return Number.NaN;
}

// --- role: server ---
async function runServer(kind) {
  const server = kind === 'hopwatch' ? await startHopwatchLive('live') : await startBareLive();
  process.send({ type: 'ready', port: server.port });
  process.on('message', async (message) => {
    if (message.type === 'publish') {
      const before = process.cpuUsage();
      await publishPaced(server.publish, message.rate, message.seconds);
      const cpu = process.cpuUsage(before);
      process.send({ type: 'published', cpuMs: (cpu.user + cpu.system) / 1_000 });
    } else if (message.type === 'stop') {
      await server.close();
      process.exit(0);
    }
  });
}

function benchEvent(seq, ts) {
  return { kind: 'rtt', ts, target: 'bench', leg: 'l1', sessionId: 's1', seq, rttMs: 1.25, suspect: false };
}

/**
 * Publishes `rate` events a second, checking every millisecond what is due (as a prober's events arrive:
 * spread out, not in bursts). Each event is stamped with the time
 * it was due, not the time it got published: a server too busy to publish on time shows as latency.
 */
function publishPaced(publish, rate, seconds) {
  const total = rate * seconds;
  const start = now();
  let sent = 0;
  return new Promise((done) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((now() - start) / 1_000) * rate));
      while (sent < due) {
        sent += 1;
        publish(benchEvent(sent, start + (sent * 1_000) / rate));
      }
      if (sent >= total) done();
      else setTimeout(tick, 1);
    };
    tick();
  });
}

// --- role: clients ---
async function runClients(port, count) {
  const histogram = new Map();
  const stats = { events: 0, closed1013: 0, otherCloses: 0 };
  const sockets = [];
  for (let i = 0; i < count; i += 1) sockets.push(await openLiveSocket(port, histogram, stats));
  process.send({ type: 'ready' });
  const cpuBefore = process.cpuUsage();
  process.on('message', (message) => {
    if (message.type !== 'report') return;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1_000;
    process.send({ type: 'report', histogram: [...histogram.entries()], stats, cpuMs });
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  });
}

const KIND_RTT = Buffer.from('"kind":"rtt","ts":');

/** Parses the decimal number at `at` straight from the bytes: these clients read 500,000 frames a second. */
function readNumber(bytes, at) {
  let value = 0;
  let i = at;
  for (; bytes[i] >= 0x30 && bytes[i] <= 0x39; i += 1) value = value * 10 + (bytes[i] - 0x30);
  if (bytes[i] !== 0x2e) return value;
  let scale = 0.1;
  for (i += 1; bytes[i] >= 0x30 && bytes[i] <= 0x39; i += 1, scale /= 10) value += (bytes[i] - 0x30) * scale;
  return value;
}

/** A raw TCP WebSocket client: upgrade, then parse unmasked server frames and record each event's latency. */
function openLiveSocket(port, histogram, stats) {
  return new Promise((ready, fail) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    let upgraded = false;
    let pending = Buffer.alloc(0);
    socket.on('error', fail);
    socket.on('connect', () => {
      socket.write(
        `GET /api/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk) => {
      const arrived = now();
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!upgraded) {
        const end = pending.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = pending.subarray(0, end).toString();
        if (!head.startsWith('HTTP/1.1 101'))
          return fail(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
        upgraded = true;
        pending = pending.subarray(end + 4);
        ready(socket);
      }
      let offset = 0;
      while (pending.length - offset >= 2) {
        const opcode = pending[offset] & 0x0f;
        let length = pending[offset + 1] & 0x7f;
        let header = 2;
        if (length === 126) {
          if (pending.length - offset < 4) break;
          length = pending.readUInt16BE(offset + 2);
          header = 4;
        } else if (length === 127) {
          if (pending.length - offset < 10) break;
          length = Number(pending.readBigUInt64BE(offset + 2));
          header = 10;
        }
        if (pending.length - offset < header + length) break;
        const payload = pending.subarray(offset + header, offset + header + length);
        offset += header + length;
        if (opcode === 0x8) {
          const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
          if (code === 1013) stats.closed1013 += 1;
          else stats.otherCloses += 1;
          socket.destroy();
          return;
        }
        if (opcode === 0x9) {
          // Answer pings (masked, as a client must; an all-zero mask leaves the payload as is), or the
          // hub takes this client for a vanished one.
          socket.write(Buffer.concat([Buffer.from([0x8a, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
          continue;
        }
        if (opcode !== 0x1 || payload[9] !== 0x65 /* {"type":"event" */) continue;
        // {"type":"event","seq":N,"event":{"kind":"rtt","ts":T,... — the runtime's own events are not rtt.
        const kind = payload.indexOf(KIND_RTT, 20);
        if (kind === -1) continue;
        const sentAt = readNumber(payload, kind + KIND_RTT.length);
        const bucket = bucketOf(arrived - sentAt);
        histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
        stats.events += 1;
      }
      pending = offset === pending.length ? Buffer.alloc(0) : pending.subarray(offset);
    });
  });
}

// --- role: main ---
function child(role, extra = []) {
  const proc = fork(fileURLToPath(import.meta.url), ['--role', role, ...extra], { stdio: 'inherit' });
  const waitFor = (type) =>
    new Promise((done, fail) => {
      const onMessage = (message) => {
        if (message.type !== type) return;
        proc.off('message', onMessage);
        done(message);
      };
      proc.on('message', onMessage);
      proc.once('exit', (code) => code !== 0 && fail(new Error(`${role} exited with ${code}`)));
    });
  return { proc, waitFor };
}

async function measure(kind, clients, rate, seconds) {
  const server = child(`server-${kind}`);
  const { port } = await server.waitFor('ready');
  const receivers = child('clients', ['--port', String(port), '--clients', String(clients)]);
  await receivers.waitFor('ready');
  await new Promise((settle) => setTimeout(settle, 500)); // let every hello and first heartbeat pass
  server.proc.send({ type: 'publish', rate, seconds });
  const published = await server.waitFor('published');
  await new Promise((drain) => setTimeout(drain, 2_000)); // stragglers still in flight
  receivers.proc.send({ type: 'report' });
  const report = await receivers.waitFor('report');
  server.proc.send({ type: 'stop' });
  await new Promise((exit) => server.proc.once('exit', exit));
  const histogram = new Map(report.histogram);
  const total = report.stats.events;
  return {
    kind,
    p50: quantile(histogram, total, 0.5),
    p99: quantile(histogram, total, 0.99),
    max: bucketUpperMs(Math.max(...histogram.keys())),
    delivered: total,
    expected: clients * rate * seconds,
    cut: report.stats.closed1013,
    serverCpuMs: published.cpuMs,
    clientCpuMs: report.cpuMs,
  };
}

async function main() {
  const clients = Number(args.clients);
  const rate = Number(args.rate);
  const seconds = Number(args.seconds);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`api-live: ${clients} live clients, ${rate} events/s for ${seconds} s, same run, same machine`);
  // The clients' process needs a good part of a core; on a busy machine its lag shows up as latency.
  console.log(`machine: ${availableParallelism()} cores, load average ${load}`);
  const rows = [];
  for (const kind of ['bare', 'hopwatch']) rows.push(await measure(kind, clients, rate, seconds));
  const fmt = (ms) => `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms`.padStart(12);
  const seconds1 = (ms) => `${(ms / 1_000).toFixed(1)} s`.padStart(12);
  const head = ['p50', 'p99', 'max', 'server cpu', 'client cpu'].map((h) => h.padStart(12)).join('');
  console.log(`${'event → dashboard'.padEnd(26)}${head}  delivered`);
  for (const row of rows) {
    const name = row.kind === 'bare' ? 'baseline: bare ws fan-out' : 'hopwatch WS /api/live';
    const delivered = `${row.delivered}/${row.expected}${row.cut ? ` (${row.cut} cut with 1013)` : ''}`;
    const cpu = `${seconds1(row.serverCpuMs)}${seconds1(row.clientCpuMs)}`;
    console.log(`${name.padEnd(26)}${fmt(row.p50)}${fmt(row.p99)}${fmt(row.max)}${cpu}  ${delivered}`);
  }
  for (const row of rows) {
    // A server that needs more CPU than the run lasted was publishing late: its latency is mostly backlog.
    if (row.serverCpuMs > seconds * 1_000) {
      console.log(
        `note: ${row.kind} needed ${(row.serverCpuMs / 1_000).toFixed(0)} s of CPU for ${seconds} s of events`,
      );
    }
  }
  const hopwatch = rows.find((r) => r.kind === 'hopwatch');
  const within =
    hopwatch.p99 <= BUDGET_P99_MS && hopwatch.delivered === hopwatch.expected && hopwatch.cut === 0;
  console.log(
    `budget: p99 ≤ ${BUDGET_P99_MS} ms with every event delivered and no dashboard cut → ${within ? 'within' : 'OVER'}`,
  );
}

if (args.role === 'main') await main();
else if (args.role === 'server-hopwatch') await runServer('hopwatch');
else if (args.role === 'server-bare') await runServer('bare');
else if (args.role === 'clients') await runClients(Number(args.port), Number(args.clients));
