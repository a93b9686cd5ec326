// Records the signature corpus (docs/attribution.md): each scenario runs the real prober against a real lab path
// (the lab's own proxies and faults, or its hops in front of a purpose-built app), and writes what the prober
// published as a JSON recording into packages/shared/src/attribution/corpus/recordings/. A recording is made
// once and committed; `npm test` only replays it. Not part of `npm test`: run it with
//   npm run record-corpus -w hopwatch                       (all but prober-stall, ~8 minutes: the 100 s cap)
//   CORPUS=idle-timeout-5s npm run record-corpus -w hopwatch (the named ones, comma-separated)
//   CORPUS=prober-stall npm run record-corpus -w hopwatch    (blocks the event loop: only ever alone)
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CorpusRecording } from '@hopwatch/shared/attribution';
import {
  FAULT_KINDS,
  type FaultKind,
  type HopEvent,
  LAB_HOPS,
  type LabFaultRequest,
  type LabHop,
  type Session,
} from '@hopwatch/shared/protocol';
import { describe, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { targetFacts } from '../../attribution/facts.js';
import type { LabConfig, TargetConfig } from '../../config/types.js';
import { EchoApp } from '../../lab/echo-app.js';
import { HEALTHY } from '../../lab/hop-proxy.js';
import { startLab } from '../../lab/lab.js';
import { Prober } from '../../probe/prober.js';
import { hopPath } from './paths.js';

const OUT_DIR =
  process.env.CORPUS_OUT ??
  fileURLToPath(
    new URL('../../../../../packages/shared/src/attribution/corpus/recordings/', import.meta.url),
  );
const ONLY = process.env.CORPUS?.split(',').filter((name) => name !== '') ?? [];

/** What the prober published while a scenario ran. */
class Tape {
  readonly events: HopEvent[] = [];
  readonly bus = { publish: (event: HopEvent) => void this.events.push(event) };

  get sessions(): Session[] {
    return this.events.flatMap((e) => (e.kind === 'session_close' ? [e.session] : []));
  }

  drops(leg?: string): Session[] {
    return this.sessions.filter((s) => s.cause !== null && (leg === undefined || s.leg === leg));
  }

  recording(name: string, description: string, target: TargetConfig): CorpusRecording {
    return {
      name,
      description,
      recordedAt: Date.now(),
      target: targetFacts(target),
      sessions: this.sessions,
      samples: this.events.flatMap((e) =>
        e.kind === 'rtt'
          ? [
              {
                leg: e.leg,
                sessionId: e.sessionId,
                ts: e.ts,
                rttMs: e.rttMs === null ? null : Math.round(e.rttMs * 100) / 100,
                suspect: e.suspect,
              },
            ]
          : [],
      ),
      stalls: this.events.flatMap((e) =>
        e.kind === 'prober_stall' ? [{ ts: e.ts, delayMs: e.delayMs }] : [],
      ),
    };
  }
}

function write(recording: CorpusRecording): void {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, `${recording.name}.json`), `${JSON.stringify(recording, null, 1)}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`recorder: timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Run {
  prober: Prober;
  tape: Tape;
  /** every leg has been up for `ms` */
  upFor(ms: number): Promise<void>;
  allUp(): boolean;
}

/**
 * Watches `target` with a real prober while `drive` runs, then stops the prober (open sessions close with cause
 * null, as at a shutdown), runs `cleanup` and writes what it saw as the recording `name`.
 */
async function record(
  name: string,
  description: string,
  target: TargetConfig,
  drive: (run: Run) => Promise<void>,
  cleanup: () => Promise<void>,
  tape = new Tape(),
): Promise<void> {
  const prober = new Prober({ targets: [target], bus: tape.bus, stallThresholdMs: 1_000 });
  const allUp = () => prober.status().every((leg) => leg.state === 'up');
  prober.start();
  try {
    await drive({
      prober,
      tape,
      allUp,
      upFor: (ms) =>
        until(
          () => prober.status().every((leg) => leg.state === 'up' && Date.now() - leg.since >= ms),
          60_000,
          'every leg up',
        ),
    });
  } finally {
    await prober.stop();
    await cleanup();
  }
  write(tape.recording(name, description, target));
}

/** A WebSocket app of the recorder's own, on loopback. */
async function startApp(
  onConnection: (socket: WebSocket) => void,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    socket.on('error', () => socket.terminate());
    onConnection(socket);
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const pong = (text: string) => text.replace('"type":"ping"', '"type":"pong"');

// --- the lab's every fault kind × hop, with the lab matrix test's timings (lab-attribution.int.test.ts) ---

const MATRIX_HEARTBEAT = { intervalMs: 400, timeoutMs: 1_200 };
const MATRIX_WINDOW_MS = 2_000;
const MATRIX_RECONNECT = { initialMs: 100, maxMs: 400 };
const MATRIX_REQUESTS: Record<FaultKind, Omit<LabFaultRequest, 'hop' | 'kind'>> = {
  stall: { durationMs: 2_500 },
  blackhole: { durationMs: 2_500 },
  reset: { durationMs: 1_000 },
  close: { durationMs: 1_000, code: 4_000 },
  reject: { durationMs: 1_500, status: 503 },
  cap: { durationMs: 120_000, ageMs: 3_000 },
};

const startMatrixLab = () =>
  startLab(
    { enabled: true, schedule: [], heartbeat: MATRIX_HEARTBEAT },
    { reconnect: MATRIX_RECONNECT, correlationWindowMs: MATRIX_WINDOW_MS, stateEveryMs: 1_000 },
  );

async function recordLabFault(kind: FaultKind, hop: LabHop): Promise<void> {
  const lab = await startMatrixLab();
  const request = MATRIX_REQUESTS[kind];
  await record(
    `lab-${kind}-${hop}`,
    `lab fault ${kind} ${JSON.stringify(request)} on ${hop}`,
    lab.target,
    async ({ tape, upFor, allUp }) => {
      await upFor(kind === 'cap' ? 0 : MATRIX_WINDOW_MS + 500);
      const fault = lab.inject({ hop, kind, ...request });
      if (kind === 'cap') {
        await until(() => tape.drops(hop).length >= 3, 60_000, 'three cap cuts');
        await sleep(500);
      } else {
        await until(
          () => Date.now() > fault.endsAt + MATRIX_WINDOW_MS && allUp(),
          60_000,
          'the fault to pass',
        );
      }
    },
    () => lab.close(),
  );
}

// --- scenarios seen in the field, on the lab's default heartbeat (2 s, timeout 6 s) unless said ---

const LAB_DEFAULT: LabConfig = {
  enabled: true,
  schedule: [],
  heartbeat: { intervalMs: 2_000, timeoutMs: 6_000 },
};
const DEFAULT_WINDOW_MS = LAB_DEFAULT.heartbeat.timeoutMs + 5_000;

/** A lab fault on the lab's default timings, after every leg has been up longer than the window. */
async function recordFault(name: string, description: string, request: LabFaultRequest, afterMs: number) {
  const lab = await startLab(LAB_DEFAULT);
  await record(
    name,
    description,
    lab.target,
    async ({ upFor, allUp }) => {
      await upFor(lab.target.correlationWindowMs + 1_000);
      const fault = lab.inject(request);
      await until(() => Date.now() > fault.endsAt + afterMs && allUp(), 120_000, 'the fault to pass');
    },
    () => lab.close(),
  );
}

/** The lab's default edge cap (Cloudflare's 100 s), in from the start as the lab's schedule puts it. */
async function recordCap100s(): Promise<void> {
  const lab = await startLab(LAB_DEFAULT);
  lab.inject({ hop: 'edge', kind: 'cap', durationMs: 3_600_000, ageMs: 100_000 });
  await record(
    'cap-100s',
    'the lab cap fault at 100 s on edge (its default)',
    lab.target,
    async ({ tape }) => {
      await until(() => tape.drops('edge').length >= 4, 500_000, 'four cap cuts');
      await sleep(1_000);
    },
    () => lab.close(),
  );
}

/** An idle timeout of 5 s on the edge hop against 8 s heartbeats: the edge leg is cut in its first gap. */
async function recordIdleTimeout(): Promise<void> {
  // No state pushes: the heartbeats are the only traffic, as on a quiet service.
  const app = await EchoApp.start({ stateEveryMs: 3_600_000 });
  const path = await hopPath(app.port, {
    heartbeat: { intervalMs: 8_000, timeoutMs: 6_000 },
    reconnect: { initialMs: 500, maxMs: 2_000 },
    correlationWindowMs: 11_000,
  });
  path.hops.edge.setConditions({ ...HEALTHY, idleMs: 5_000 });
  await record(
    'idle-timeout-5s',
    'the edge hop cuts connections idle for 5 s; heartbeats every 8 s; the app pushes nothing',
    path.target,
    ({ tape }) => until(() => tape.drops('edge').length >= 5, 180_000, 'five idle cuts'),
    async () => {
      await path.close();
      await app.close();
    },
  );
}

/**
 * An app answering later and later (seed 000's stalled app): its replies are delayed by 100 ms more every
 * second from 4 s on, until they come later than the 1.2 s heartbeat timeout; it stays that slow until 30 s,
 * so reconnected sessions die by hopwatch's own timeout at similar ages; then it recovers.
 */
async function recordSlowingApp(): Promise<void> {
  const startedAt = Date.now();
  const delayAt = (t: number) => (t < 4_000 || t > 30_000 ? 0 : Math.min(2_000, (t - 4_000) * 0.1));
  const app = await startApp((socket) => {
    socket.on('message', (data) => {
      const text = data.toString();
      setTimeout(
        () => {
          if (socket.readyState === socket.OPEN) socket.send(pong(text));
        },
        delayAt(Date.now() - startedAt),
      );
    });
  });
  const path = await hopPath(app.port, {
    heartbeat: MATRIX_HEARTBEAT,
    reconnect: MATRIX_RECONNECT,
    correlationWindowMs: MATRIX_WINDOW_MS,
  });
  await record(
    'slowing-app',
    'the app answers 100 ms later every second from 4 s on (up to 2 s, past the 1.2 s timeout), holds until ' +
      '30 s, then recovers; heartbeats every 400 ms',
    path.target,
    ({ allUp }) => until(() => Date.now() - startedAt > 36_000 && allUp(), 90_000, 'the app to recover'),
    async () => {
      await path.close();
      await app.close();
    },
  );
}

/**
 * A socket.io-style server behind the lab's hops, seen by a client that does not speak its protocol: it pings
 * every 25 s at the application level, waits 20 s for a pong that never comes, and drops the connection
 * (closing the transport, 1006) at 45 s. Only the edge leg is watched, so no other leg drops with it.
 */
async function recordPeerGivesUp(): Promise<void> {
  const app = await startApp((socket) => {
    // hopwatch's own heartbeats are answered, as any echo would; the server's ping is not.
    socket.on('message', (data) => socket.send(pong(data.toString())));
    const ping = setTimeout(() => socket.send('2'), 25_000);
    const giveUp = setTimeout(() => socket.terminate(), 45_000);
    socket.on('close', () => {
      clearTimeout(ping);
      clearTimeout(giveUp);
    });
  });
  const path = await hopPath(app.port, {
    heartbeat: LAB_DEFAULT.heartbeat,
    reconnect: { initialMs: 1_000, maxMs: 10_000 },
    correlationWindowMs: DEFAULT_WINDOW_MS,
  });
  await record(
    'peer-gives-up-45s',
    'a socket.io-style app (25 s ping + 20 s timeout, unanswered) drops each edge session at 45 s',
    { ...path.target, legs: path.target.legs.filter((leg) => leg.name === 'edge') },
    async ({ tape }) => {
      await until(() => tape.drops('edge').length >= 3, 240_000, 'three give-ups');
      await sleep(1_000);
    },
    async () => {
      await path.close();
      await app.close();
    },
  );
}

/**
 * The lab's scheduled lb reset (45 s after the lab starts), after hopwatch and the lab restarted, twice: both
 * times the sessions die at ~45 s, socket.io's give-up age, by chance (their start and the reset share a clock).
 * Both runs go on one tape, under one target name, as one store would keep them.
 */
async function recordResetAfterRestart(): Promise<void> {
  const tape = new Tape();
  for (let run = 0; run < 2; run += 1) {
    const lab = await startLab({
      ...LAB_DEFAULT,
      schedule: [
        {
          hop: 'lb',
          kind: 'reset',
          everyMs: 7 * 60_000,
          durationMs: 1_000,
          offsetMs: 45_000,
          code: null,
          status: null,
          ageMs: null,
        },
      ],
    });
    await record(
      'reset-after-restart',
      'hopwatch and the lab start; the scheduled lb reset at 45 s cuts edge and lb; restart and again',
      lab.target,
      async ({ allUp }) => {
        const before = tape.drops('lb').length;
        await until(() => tape.drops('lb').length > before, 90_000, 'the scheduled reset');
        await sleep(5_000);
        await until(allUp, 30_000, 'legs back');
      },
      () => lab.close(),
      tape,
    );
  }
}

/**
 * The lb resets its connections just as hopwatch itself stalls: the event loop is blocked for 3 s (the lab runs
 * in the same process, so its hops stop too), and the drops are only seen after it. A stall alone drops
 * nothing: hopwatch does not count heartbeats it could not take. Blocks every scenario running beside it, so
 * it is recorded on its own.
 */
async function recordProberStall(): Promise<void> {
  const lab = await startMatrixLab();
  await record(
    'prober-stall',
    "lab fault reset on lb, while hopwatch's event loop is blocked for 3 s",
    lab.target,
    async ({ upFor, allUp }) => {
      await upFor(MATRIX_WINDOW_MS + 500);
      lab.inject({ hop: 'lb', kind: 'reset', durationMs: 1_000 });
      const blockedUntil = Date.now() + 3_000;
      while (Date.now() < blockedUntil) {
        // busy: nothing else runs, as in a process swapping or stopped in a debugger
      }
      await sleep(MATRIX_WINDOW_MS * 2);
      await until(allUp, 30_000, 'legs back');
    },
    () => lab.close(),
  );
}

interface Scenario {
  name: string;
  record: () => Promise<void>;
  timeoutMs: number;
}

const SCENARIOS: Scenario[] = [
  ...FAULT_KINDS.flatMap((kind) =>
    LAB_HOPS.map((hop) => ({
      name: `lab-${kind}-${hop}`,
      record: () => recordLabFault(kind, hop),
      timeoutMs: 90_000,
    })),
  ),
  { name: 'idle-timeout-5s', record: recordIdleTimeout, timeoutMs: 200_000 },
  { name: 'cap-100s', record: recordCap100s, timeoutMs: 600_000 },
  { name: 'slowing-app', record: recordSlowingApp, timeoutMs: 120_000 },
  {
    name: 'restart-1012',
    timeoutMs: 120_000,
    record: () =>
      recordFault(
        'restart-1012',
        'a graceful lb deploy: lab close fault on lb with 1012 Service Restart',
        { hop: 'lb', kind: 'close', durationMs: 2_000, code: 1012 },
        12_000,
      ),
  },
  {
    name: 'reject-403',
    timeoutMs: 120_000,
    record: () =>
      recordFault(
        'reject-403',
        'the edge answers upgrades 403 for 8 s (lab reject fault)',
        { hop: 'edge', kind: 'reject', durationMs: 8_000, status: 403 },
        12_000,
      ),
  },
  {
    name: 'frozen-app',
    timeoutMs: 150_000,
    record: () =>
      recordFault(
        'frozen-app',
        'the app freezes for 20 s (lab stall fault on app)',
        { hop: 'app', kind: 'stall', durationMs: 20_000 },
        12_000,
      ),
  },
  { name: 'reset-after-restart', record: recordResetAfterRestart, timeoutMs: 300_000 },
  { name: 'peer-gives-up-45s', record: recordPeerGivesUp, timeoutMs: 300_000 },
  { name: 'prober-stall', record: recordProberStall, timeoutMs: 60_000 },
];

const ALONE = 'prober-stall';
const chosen = SCENARIOS.filter((s) => (ONLY.length === 0 ? s.name !== ALONE : ONLY.includes(s.name)));
if (chosen.some((s) => s.name === ALONE) && chosen.length > 1) {
  throw new Error(`recorder: ${ALONE} blocks the event loop; record it alone (CORPUS=${ALONE})`);
}

describe.concurrent('record the signature corpus', () => {
  for (const scenario of chosen) {
    it(scenario.name, { timeout: scenario.timeoutMs }, async () => {
      await scenario.record();
    });
  }
});
