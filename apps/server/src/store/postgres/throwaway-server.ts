// A throwaway PostgreSQL for tests and benches (built, so `npm run bench` can use it too): Debian's initdb
// and postgres in a temporary directory, on a free loopback port, its unix socket in that directory, removed
// again by stop(). PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (the
// directory is handed to it); otherwise as whoever runs it. Durability is traded for speed (fsync off).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  port: number;
  /** a URL for a database of its own: each call creates a fresh, empty one */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

const DEBIAN_BINDIRS = [
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
];
const START_TIMEOUT_MS = 30_000;

/** Where initdb and postgres live: Debian's versioned directory, `pg_config --bindir`, or PATH. */
export function findPostgresBinaries(): string {
  for (const dir of DEBIAN_BINDIRS) if (existsSync(join(dir, 'initdb'))) return dir;
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config: try PATH below
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  throw new Error(
    'PostgreSQL server binaries (initdb, postgres) not found: the PostgreSQL store tests start their own ' +
      "server. Install Debian's postgresql package: apt-get install postgresql",
  );
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-pg-'));
  const data = join(dir, 'data');
  const user = runAsUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const run = { ...(user ?? {}), stdio: 'pipe' as const, env: { ...process.env, LC_ALL: 'C' } };
  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--no-instructions'],
      run,
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${stderrOf(error)}`);
  }
  const port = await freePort();
  const child = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    run,
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // fast shutdown: no waiting for clients
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitForConnection(admin, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  let databases = 0;
  return {
    port,
    async createDatabase() {
      databases += 1;
      const name = `hopwatch_test_${databases}`;
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop,
  };
}

function runAsUser(): { uid: number; gid: number } | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      "running as root, PostgreSQL needs an unprivileged user and there is no `postgres` user: install Debian's " +
        'postgresql package (apt-get install postgresql) or run the tests as another user',
    );
  }
}

async function waitForConnection(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline)
        throw new Error(`postgres did not accept connections: ${String(error)}\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr;
  return stderr ? stderr.toString() : String(error);
}
