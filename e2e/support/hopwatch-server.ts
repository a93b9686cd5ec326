// A real hopwatch process for a spec: the built CLI on a free loopback port with a temp data dir. It can be
// stopped and started again on the same port, which is how specs show the dashboard riding out a restart.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO_ROOT, 'apps', 'server', 'dist', 'cli.js');

export class HopwatchServer {
  readonly port: number;
  readonly dataDir: string;
  readonly #extraArgs: string[];
  #child: ChildProcess | null = null;
  #logFile: string;

  private constructor(port: number, dataDir: string, extraArgs: string[]) {
    this.port = port;
    this.dataDir = dataDir;
    this.#extraArgs = extraArgs;
    this.#logFile = join(dataDir, 'server.log');
  }

  /**
   * Starts hopwatch on a free port with a fresh data dir. `config` is YAML written beside the data and
   * passed as --config; extra CLI flags (e.g. `--lab`) pass through.
   */
  static async start(options: { config?: string; args?: string[] } = {}): Promise<HopwatchServer> {
    const dataDir = mkdtempSync(join(tmpdir(), 'hopwatch-e2e-'));
    const args = [...(options.args ?? [])];
    if (options.config !== undefined) {
      const file = join(dataDir, 'hopwatch.yaml');
      writeFileSync(file, options.config);
      args.push('--config', file);
    }
    const server = new HopwatchServer(await freePort(), dataDir, args);
    await server.restart();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process again on the same port and data dir, and waits until /healthz answers. */
  async restart(): Promise<void> {
    if (this.#child !== null) throw new Error('hopwatch is already running');
    const log = openSync(this.#logFile, 'a');
    const child = spawn(
      process.execPath,
      [CLI, '--host', '127.0.0.1', '--port', String(this.port), '--data', this.dataDir, ...this.#extraArgs],
      { stdio: ['ignore', log, log], env: { ...process.env, HOPWATCH_CONFIG: '' } },
    );
    this.#child = child;
    await this.#waitHealthy(child);
  }

  /** Stops the process (SIGTERM, as a service manager would) and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (child === null) return;
    this.#child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the process and deletes the data dir. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** The server's output so far, for failure messages. */
  log(): string {
    try {
      return readFileSync(this.#logFile, 'utf8');
    } catch {
      return '';
    }
  }

  async #waitHealthy(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`hopwatch exited with ${child.exitCode}:\n${this.log()}`);
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`hopwatch did not answer /healthz within 30 s:\n${this.log()}`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Where specs write screenshots for a person to look at (git-ignored). */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'e2e', 'artifacts');
