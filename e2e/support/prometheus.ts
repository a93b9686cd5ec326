// A real Prometheus (Debian's package) for specs, on loopback with a temp data dir, scraping a tiny exporter
// every second whose gauges the spec sets. Missing binary: a failure saying what to install, never a skip.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './hopwatch-server.js';

export interface Exporter {
  address: string;
  set(name: string, value: number): void;
  close(): Promise<void>;
}

export async function startExporter(): Promise<Exporter> {
  const gauges = new Map<string, number>();
  const server = createServer((_request, response) => {
    const text = [...gauges].map(([name, value]) => `# TYPE ${name} gauge\n${name} ${value}\n`).join('');
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (name, value) => gauges.set(name, value),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface Prometheus {
  url: string;
  /** resolves once an instant query of `promql` answers `value` */
  waitFor(promql: string, value: number): Promise<void>;
  dispose(): Promise<void>;
}

export async function startPrometheus(scrape: string): Promise<Prometheus> {
  const binary = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'prometheus'))
    .find((path) => existsSync(path));
  if (binary === undefined) {
    throw new Error(
      "prometheus is not installed: install Debian's prometheus package (apt-get install prometheus)",
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-e2e-prometheus-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    JSON.stringify({
      global: { scrape_interval: '1s' },
      scrape_configs: [{ job_name: 'evidence', static_configs: [{ targets: [scrape] }] }],
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const poll = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 60_000;
    while (!(await check().catch(() => false))) {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const prometheus: Prometheus = {
    url,
    waitFor: (promql, value) =>
      poll(async () => {
        const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
        const body = (await response.json()) as { data?: { result?: { value?: [number, string] }[] } };
        return Number(body.data?.result?.[0]?.value?.[1]) === value;
      }, `${promql} to be ${value} in Prometheus`),
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await poll(async () => (await fetch(`${url}/-/ready`)).ok, 'Prometheus to be ready');
  return prometheus;
}
