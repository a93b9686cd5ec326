// Crash safety of the built CLI (issue 16.1): the lab under drops, `kill -9` at random moments, a restart on
// the same data each time, and a live dashboard recording every event it was sent. Nothing a dashboard
// received may go missing or change afterwards, no seq may be reused, no session stays open, and the SQLite
// file passes its integrity check.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeRttEventBlock } from '../store/rtt-event-block.js';

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Its own build, beside dist/ (version.ts finds ../package.json from either): cli.int.test.ts rebuilds dist/
// while this file may be starting the CLI from it.
const OUT_DIR = join(SERVER_DIR, '.test-dist');
const CLI = join(OUT_DIR, 'cli.js');
const KILLS = 12;

let dir: string;
let child: ChildProcess | null = null;

beforeAll(async () => {
  // The command under test is the compiled one: build it so the test never runs a stale one. Type errors
  // elsewhere in the tree do not stop tsc from emitting, so only a missing cli.js fails here.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', OUT_DIR], {
    cwd: SERVER_DIR,
  }).catch(() => undefined);
  expect(existsSync(CLI)).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'hopwatch-crash-'));
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
  await rm(OUT_DIR, { recursive: true, force: true });
});

/** Starts hopwatch with the lab on a free port over the test's data directory; resolves with its URL. */
function startHopwatch(): Promise<{ proc: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOPWATCH_LOG_LEVEL: 'warn' };
  for (const key of Object.keys(env)) if (key.startsWith('HOPWATCH_CONFIG')) delete env[key];
  const proc = spawn(process.execPath, [CLI, '--lab', '--port', '0', '--data', dir], { env, stdio: 'pipe' });
  child = proc;
  proc.stdout?.resume();
  return new Promise((resolve, reject) => {
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /dashboard on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) resolve({ proc, url });
    });
    proc.once('exit', (code, signal) => reject(new Error(`hopwatch exited (${code ?? signal}): ${stderr}`)));
  });
}

function exited(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

/** Everything one dashboard was sent across every restart: seq → the event's JSON. */
class Recorder {
  readonly events = new Map<number, string>();
  readonly reused: string[] = [];
  lastSeq: number | null = null;
  helloSeq = 0;

  connect(url: string): WebSocket {
    const since = this.lastSeq === null ? '' : `?since=${this.lastSeq}`;
    const socket = new WebSocket(`${url.replace('http', 'ws')}/api/live${since}`);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; seq?: number; event?: unknown };
      if (message.type === 'hello') this.helloSeq = message.seq ?? 0;
      if (message.type !== 'event' || message.seq === undefined) return;
      const body = JSON.stringify(message.event);
      const earlier = this.events.get(message.seq);
      if (earlier !== undefined && earlier !== body)
        this.reused.push(`seq ${message.seq}: ${earlier} → ${body}`);
      this.events.set(message.seq, body);
      this.lastSeq = Math.max(this.lastSeq ?? 0, message.seq);
    });
    socket.on('error', () => undefined); // the server is killed under it
    return socket;
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function injectFault(url: string, hop: string, kind: string): Promise<void> {
  await fetch(`${url}/api/lab/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hop, kind, durationMs: 300 }),
  }).catch(() => undefined);
}

it(`keeps every event a dashboard received across ${KILLS} kill -9s`, async () => {
  const recorder = new Recorder();
  const hops = ['edge', 'lb', 'app'];
  for (let kill = 0; kill < KILLS; kill += 1) {
    const { proc, url } = await startHopwatch();
    const socket = recorder.connect(url);
    await until(() => socket.readyState === WebSocket.OPEN, 'the live stream');
    // Drops now, so the kill lands among session closes, leg states and verdicts still being written.
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 600));
    await injectFault(url, hops[kill % hops.length] ?? 'lb', kill % 2 === 0 ? 'reset' : 'close');
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 250));
    proc.kill('SIGKILL');
    await exited(proc);
    socket.terminate();
  }
  // A last, clean run: resume, catch up, and stop gracefully.
  const { proc, url } = await startHopwatch();
  const socket = recorder.connect(url);
  await until(() => recorder.helloSeq > 0 && (recorder.lastSeq ?? 0) >= recorder.helloSeq, 'the replay');
  socket.close();
  proc.kill('SIGTERM');
  await exited(proc);

  expect(recorder.events.size).toBeGreaterThan(KILLS);
  expect(recorder.reused).toEqual([]);
  const db = new Database(join(dir, 'hopwatch.db'), { readonly: true });
  try {
    // Every event on disk by seq: single rows, and rtt events in their batch rows (migration 005; as numbers
    // with their names in `strings` since 006).
    const onDisk = new Map<number, string>();
    for (const row of db.prepare('SELECT seq, body FROM events').iterate() as Iterable<{
      seq: number;
      body: string;
    }>) {
      onDisk.set(row.seq, JSON.stringify(JSON.parse(row.body)));
    }
    for (const row of db.prepare('SELECT body, strings FROM rtt_event_batches').iterate() as Iterable<{
      body: Buffer | string;
      strings: string | null;
    }>) {
      const events =
        row.strings === null
          ? (JSON.parse(String(row.body)) as Array<[number, unknown]>)
          : decodeRttEventBlock(row.body as Buffer, row.strings).map(
              ({ seq, event }) => [seq, event] as const,
            );
      for (const [seq, event] of events) onDisk.set(seq, JSON.stringify(event));
    }
    const missingOrChanged: string[] = [];
    for (const [seq, received] of recorder.events) {
      const stored = onDisk.get(seq);
      if (stored === undefined) missingOrChanged.push(`seq ${seq} missing: ${received}`);
      else if (stored !== received) missingOrChanged.push(`seq ${seq} changed: ${received} → ${stored}`);
    }
    expect(missingOrChanged).toEqual([]);
    const open = db.prepare('SELECT COUNT(*) AS n FROM sessions WHERE closed_at IS NULL').get() as {
      n: number;
    };
    expect(open.n).toBe(0);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
}, 240_000);
