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
// so a server too busy to publish on time shows that as latency too. The client process shares the machine's
// cores with the server, and a frame it has not read yet is timed when it reads it: its own queue counts as
// latency, so it is kept as cheap as it can be (see "role: clients"); its CPU is printed beside the server's.
//
//   node scripts/bench/api-live.mjs [--clients 1000] [--rate 1000] [--seconds 10] [--only bare|hopwatch]
// Needs a build (`npm run build`); `npm run bench -- api-live` builds first. `--only hopwatch` skips the
// baseline (minutes of one ws.send per event per client) while working on the hub.
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
    only: { type: 'string' },
  },
});

// --- latency histogram: log buckets of 2% from 1 µs, mergeable across processes ---
const BUCKET_BASE = 1.02;
const MIN_MS = 0.001;
const LOG_BASE = Math.log(BUCKET_BASE);
/** 1 µs × 1.02^1200 ≈ 6 h: past any latency a run can see (longer ones would count in the last bucket) */
const MAX_BUCKET = 1_200;
const bucketOf = (ms) =>
  ms <= MIN_MS ? 0 : Math.min(MAX_BUCKET, Math.ceil(Math.log(ms / MIN_MS) / LOG_BASE));
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
// One process holds every client socket, so what it spends per frame is latency it adds to its own
// measurement: a frame it has not read yet is timed when it is read. It is kept cheap: every read lands in
// one shared buffer (no Buffer per read), frames are parsed in place (no Buffer per frame), an event's `ts`
// is found at its fixed place in the frame rather than searched for, and the histogram is a typed array.
async function runClients(port, count) {
  const histogram = new Float64Array(MAX_BUCKET + 1);
  const stats = { events: 0, closed1013: 0, otherCloses: 0 };
  const sockets = [];
  for (let i = 0; i < count; i += 1) sockets.push(await openLiveSocket(port, histogram, stats));
  process.send({ type: 'ready' });
  const cpuBefore = process.cpuUsage();
  process.on('message', (message) => {
    if (message.type !== 'report') return;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1_000;
    const entries = [];
    for (let bucket = 0; bucket <= MAX_BUCKET; bucket += 1) {
      if (histogram[bucket] > 0) entries.push([bucket, histogram[bucket]]);
    }
    process.send({ type: 'report', histogram: entries, stats, cpuMs });
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  });
}

/** Every event frame starts `{"type":"event","seq":` then the seq's digits, then this for a bench event. */
const EVENT_PREFIX = 22;
const AFTER_SEQ = Buffer.from(',"event":{"kind":"rtt","ts":');
/** Reads land here; each is parsed before the next read, and a partial frame is copied out of it. */
const READ_BUFFER = Buffer.allocUnsafe(1024 * 1024);

/** The due time an rtt event frame carries, or -1 for any other frame (the runtime's own events). */
function dueTimeOf(bytes, start, end) {
  if (bytes[start + 9] !== 0x65 /* {"type":"e(vent)" */) return -1;
  let i = start + EVENT_PREFIX;
  while (i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39) i += 1;
  if (i + AFTER_SEQ.length > end) return -1;
  for (let k = 0; k < AFTER_SEQ.length; k += 1) if (bytes[i + k] !== AFTER_SEQ[k]) return -1;
  return readNumber(bytes, i + AFTER_SEQ.length);
}

/** Parses the decimal number at `at` straight from the bytes: these clients read 1,000,000 frames a second. */
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
    let upgraded = false;
    /** the bytes of a frame (or of the upgrade response) that the last read ended in the middle of */
    let carry = null;
    const onRead = (nread, buffer) => {
      const arrived = now();
      let bytes = buffer;
      let end = nread;
      if (carry !== null) {
        bytes = Buffer.concat([carry, buffer.subarray(0, nread)]);
        end = bytes.length;
        carry = null;
      }
      let offset = 0;
      if (!upgraded) {
        const headEnd = bytes.subarray(0, end).indexOf('\r\n\r\n');
        if (headEnd === -1) {
          carry = Buffer.from(bytes.subarray(0, end));
          return;
        }
        const head = bytes.subarray(0, headEnd).toString();
        if (!head.startsWith('HTTP/1.1 101')) {
          fail(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
          return;
        }
        upgraded = true;
        offset = headEnd + 4;
        ready(socket);
      }
      while (end - offset >= 2) {
        const opcode = bytes[offset] & 0x0f;
        let length = bytes[offset + 1] & 0x7f;
        let header = 2;
        if (length === 126) {
          if (end - offset < 4) break;
          length = bytes.readUInt16BE(offset + 2);
          header = 4;
        } else if (length === 127) {
          if (end - offset < 10) break;
          length = Number(bytes.readBigUInt64BE(offset + 2));
          header = 10;
        }
        if (end - offset < header + length) break;
        const start = offset + header;
        offset = start + length;
        if (opcode === 0x1) {
          const due = dueTimeOf(bytes, start, offset);
          if (due < 0) continue;
          histogram[bucketOf(arrived - due)] += 1;
          stats.events += 1;
        } else if (opcode === 0x8) {
          const code = length >= 2 ? bytes.readUInt16BE(start) : 1005;
          if (code === 1013) stats.closed1013 += 1;
          else stats.otherCloses += 1;
          socket.destroy();
          return;
        } else if (opcode === 0x9) {
          // Answer pings (masked, as a client must; an all-zero mask leaves the payload as is), or the
          // hub takes this client for a vanished one.
          const pong = Buffer.alloc(6 + length);
          pong[0] = 0x8a;
          pong[1] = 0x80 | length;
          bytes.copy(pong, 6, start, offset);
          socket.write(pong);
        }
      }
      // Copied: the read buffer is overwritten by the next read, of any socket.
      if (offset < end) carry = Buffer.from(bytes.subarray(offset, end));
    };
    const socket = connect({ host: '127.0.0.1', port, onread: { buffer: READ_BUFFER, callback: onRead } });
    socket.setNoDelay(true);
    socket.on('error', fail);
    socket.on('connect', () => {
      socket.write(
        `GET /api/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
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
  const kinds = args.only ? [args.only] : ['bare', 'hopwatch'];
  if (kinds.some((kind) => kind !== 'bare' && kind !== 'hopwatch')) {
    throw new Error(`--only takes bare or hopwatch, not "${args.only}"`);
  }
  for (const kind of kinds) rows.push(await measure(kind, clients, rate, seconds));
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
  if (!hopwatch) return;
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
