// hopwatch falls behind while a reply is already in its socket. The heartbeat timer that came due meanwhile
// fires before the socket is read (timers run before I/O in each loop turn); it must not count that reply
// lost. The echo server runs in a worker thread, so it answers while this thread is blocked, and tells us
// through shared memory when its pong is on the wire.
import { Worker } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Heartbeat, type HeartbeatSample } from './heartbeat.js';

const INTERVAL_MS = 100;
const BLOCKED_SEQ = 2;

/** Answers every ping with its payload; stores the seq of the last pong written to the socket in shared[0]. */
const ECHO_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocketServer } = require('ws');
const shared = new Int32Array(workerData);
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false }, () =>
  parentPort.postMessage(wss.address().port),
);
wss.on('connection', (ws) =>
  ws.on('ping', (payload) =>
    ws.pong(payload, false, () => {
      Atomics.store(shared, 0, Number(payload.toString()));
      Atomics.notify(shared, 0);
    }),
  ),
);
`;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function echoServer(shared: Int32Array): Promise<number> {
  const worker = new Worker(ECHO_WORKER, { eval: true, workerData: shared.buffer });
  cleanups.push(() => worker.terminate());
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Blocks this thread until the echo server has written the pong to `seq`; fails after a generous deadline. */
function blockUntilPongWritten(shared: Int32Array, seq: number): void {
  const deadline = Date.now() + 20_000;
  for (let seen = Atomics.load(shared, 0); seen < seq; seen = Atomics.load(shared, 0)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`the echo server wrote no pong to ${seq} within 20000 ms`);
    Atomics.wait(shared, 0, seen, left);
  }
}

it('a reply that arrived while hopwatch was blocked is read before the next heartbeat counts it lost', async () => {
  const shared = new Int32Array(new SharedArrayBuffer(4));
  const port = await echoServer(shared);
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  cleanups.push(() => ws.terminate());
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });

  const samples: HeartbeatSample[] = [];
  const heartbeat = new Heartbeat(
    { mode: 'ping', intervalMs: INTERVAL_MS, timeoutMs: 60_000, send: '', expect: '' },
    {
      ping: (payload) => {
        ws.ping(payload);
        if (Number(payload) !== BLOCKED_SEQ) return;
        const sentAt = Date.now();
        // Once the next beat is scheduled, hopwatch stalls: until the pong is in its socket and the next
        // heartbeat is overdue, so that heartbeat's timer and the unread pong meet in the same loop turn.
        setImmediate(() => {
          blockUntilPongWritten(shared, BLOCKED_SEQ);
          while (Date.now() <= sentAt + INTERVAL_MS) {
            // busy: hopwatch is behind
          }
        });
      },
      send: () => {},
      sample: (sample) => samples.push(sample),
      timeout: () => {},
    },
  );
  cleanups.push(() => heartbeat.stop());
  ws.on('pong', (payload) => heartbeat.onPong(payload));
  heartbeat.start(0);

  await expect
    .poll(() => samples.some((s) => s.seq > BLOCKED_SEQ), { timeout: 20_000, interval: 20 })
    .toBe(true);
  const blocked = samples.filter((s) => s.seq === BLOCKED_SEQ);
  expect(blocked).toHaveLength(1);
  expect(blocked[0]!.rttMs, 'the pong was in the socket before the next heartbeat was due').not.toBeNull();
});
