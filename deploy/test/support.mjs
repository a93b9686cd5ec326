// Helpers for the deployment tests: real processes on loopback, bounded polling, and cleanup of every child
// on every exit (a test that fails half-way must not leave a Prometheus or a hopwatch running).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'apps/server/dist/cli.js');

/** docs/spec.md#4-http-api: the metric names users' alerts and dashboards depend on. */
export const CONTRACT_METRICS = {
  hopwatch_leg_up: 'gauge',
  hopwatch_leg_drops_total: 'counter',
  hopwatch_rtt_seconds: 'histogram',
  hopwatch_session_duration_seconds: 'histogram',
  hopwatch_heartbeats_lost_total: 'counter',
  hopwatch_prober_event_loop_delay_seconds: 'histogram',
  hopwatch_live_clients: 'gauge',
};

/** Every series name a contract metric exposes (histograms as _bucket, _sum, _count). */
export function contractSeriesNames() {
  return new Set(
    Object.entries(CONTRACT_METRICS).flatMap(([name, type]) =>
      type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
    ),
  );
}

export function readText(relativePath) {
  return readFileSync(join(ROOT, relativePath), 'utf8');
}

/** A binary from Debian's prometheus package, or an error that says how to get it; never a silent skip. */
export function requireBinary(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, name);
    if (dir && existsSync(path)) return path;
  }
  throw new Error(
    `${name} is not installed: install Debian's prometheus package (apt-get install prometheus), ` +
      'which .ci/run does on a fresh machine',
  );
}

/** Runs a command to completion; returns { status, stdout, stderr } with the output as text. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

const tempDirs = new Set();

/** A temp directory removed by the returned cleanup, or when the test process exits. */
export function tempDir(prefix) {
  const path = mkdtempSync(join(tmpdir(), `hopwatch-${prefix}-`));
  tempDirs.add(path);
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
      tempDirs.delete(path);
    },
  };
}

/** A TCP port free on 127.0.0.1 right now, for programs that cannot report the port they bound. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const children = new Set();
// A test runner that exits (or is interrupted) still takes its children with it.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const path of tempDirs) rmSync(path, { recursive: true, force: true });
});
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => process.exit(code)); // runs the 'exit' handler above
}

/**
 * Starts a long-running process and keeps the tail of its output for failure messages.
 * `stop()` sends SIGTERM, waits up to `graceMs`, then SIGKILL; it resolves with the exit code and signal.
 */
export function startProcess(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.add(child);
  let output = '';
  const listeners = new Set();
  const onData = (chunk) => {
    output = (output + chunk.toString()).slice(-64_000);
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      for (const listener of listeners) listener();
      resolve({ code, signal });
    });
  });
  let exitStatus = null;
  exited.then((status) => {
    exitStatus = status;
  });

  return {
    child,
    output: () => output,
    exited,
    /** resolves with the first match of `pattern` in the output; rejects if the process exits first */
    waitForOutput(pattern, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) return finish(null, match);
          if (exitStatus) {
            return finish(
              new Error(`${what}: the process exited (${JSON.stringify(exitStatus)}) first:\n${output}`),
            );
          }
        };
        const timer = setTimeout(
          () => finish(new Error(`${what}: nothing matched ${pattern} in ${timeoutMs} ms:\n${output}`)),
          timeoutMs,
        );
        function finish(error, match) {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve(match);
        }
        listeners.add(check);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (exitStatus) return exitStatus;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const status = await exited;
      clearTimeout(timer);
      return status;
    },
  };
}

/** Starts hopwatch from a CLI file and resolves once it printed the URL it listens on. */
export async function startHopwatch({ cli = CLI, args, cwd = ROOT, env = process.env }) {
  const hopwatch = startProcess(process.execPath, [cli, ...args], { cwd, env });
  try {
    const [, url] = await hopwatch.waitForOutput(
      /dashboard on (http:\/\/[^\s]+)/,
      60_000,
      'hopwatch did not start',
    );
    return { ...hopwatch, url };
  } catch (error) {
    await hopwatch.stop();
    throw error;
  }
}

/**
 * Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` with `what`, the
 * last value or error, and `context()` (e.g. a process's output) so a failure explains itself.
 */
export async function waitFor(probe, { timeoutMs, intervalMs = 500, what, context = () => '' }) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (error) {
      last = `error: ${error.message}`;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})\n${context()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** GET or POST JSON with a bounded wait; resolves with { status, body } (body parsed when JSON). */
export async function http(url, { method = 'GET', json, timeoutMs = 10_000 } = {}) {
  const response = await fetch(url, {
    method,
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let body = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: response.status, body, contentType: response.headers.get('content-type') ?? '' };
}
