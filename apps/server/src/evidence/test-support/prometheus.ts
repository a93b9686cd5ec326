// A real Prometheus (Debian's package) for tests: loopback only, a free port, a temp data directory, scraping
// the given targets every second. Missing binary: a failure saying what to install, never a skip.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export function requirePrometheus(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, 'prometheus');
    if (dir !== '' && existsSync(path)) return path;
  }
  throw new Error(
    "prometheus is not installed: install Debian's prometheus package (apt-get install prometheus); " +
      'the evidence tests run a real Prometheus and skip nothing',
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface TestPrometheus {
  url: string;
  /** the process' output so far, for failure messages */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it has exited */
  stop(): Promise<void>;
  /** stops it (if running) and removes its data directory */
  dispose(): Promise<void>;
}

export async function startPrometheus(options: { scrape: readonly string[] }): Promise<TestPrometheus> {
  const binary = requirePrometheus();
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  // JSON is YAML: no YAML writer needed.
  writeFileSync(
    configFile,
    JSON.stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: [{ job_name: 'evidence', static_configs: [{ targets: options.scrape }] }],
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const prometheus: TestPrometheus = {
    url,
    output: () => output,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await prometheus.dispose();
      throw new Error(`prometheus exited with ${child.exitCode}:\n${output}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return prometheus;
    if (Date.now() > deadline) {
      await prometheus.dispose();
      throw new Error(`prometheus was not ready within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A tiny exporter: GET /metrics serves the gauges the test sets, in the Prometheus text format. */
export interface TestExporter {
  /** host:port, for a scrape config */
  address: string;
  set(name: string, value: number): void;
  close(): Promise<void>;
}

export async function startExporter(): Promise<TestExporter> {
  const gauges = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    const lines = [...gauges].map(([name, value]) => `# TYPE ${name} gauge\n${name} ${value}\n`);
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(lines.join(''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    set: (name, value) => gauges.set(name, value),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
