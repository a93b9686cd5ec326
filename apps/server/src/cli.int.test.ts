// The hopwatch command as users run it: the built cli.js in a child process, real files, real signals.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${ENV_NAME} is config syntax under test
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
// Its own build, beside dist/ (version.ts finds ../package.json from either): tests that start the prober's
// worker thread read dist/, which must not be rewritten under them.
const OUT_DIR = join(SERVER_DIR, '.test-dist-cli');
const CLI = join(OUT_DIR, 'cli.js');
const run = promisify(execFile);

let dir: string;
const children: ChildProcess[] = [];
const echoServers: WebSocketServer[] = [];

beforeAll(async () => {
  // The CLI under test is the compiled one; build it so the test never runs a stale dist. Type errors
  // elsewhere in the tree do not stop tsc from emitting, so only a missing cli.js fails here.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', OUT_DIR], {
    cwd: SERVER_DIR,
  }).catch(() => undefined);
  expect(existsSync(CLI)).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'hopwatch-cli-'));
}, 180_000);

afterEach(async () => {
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  await Promise.all(
    echoServers.splice(0).map((wss) => new Promise<void>((resolve) => wss.close(() => resolve()))),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(OUT_DIR, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion. */
function hopwatch(args: string[], env: Record<string, string> = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(env), stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The parent's environment without any hopwatch setting, plus what the test gives. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('HOPWATCH_')) delete env[key];
  return { ...env, ...extra };
}

async function configFile(name: string, yaml: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, yaml);
  return file;
}

const GOOD = `
targets:
  - name: t3
    segments: [last-mile, cloudflare, tunnel, traefik, app]
    legs:
      - name: cloudflare
        url: wss://ops:pw@t3.example.com/ws?token=\${T3_TOKEN}
        enters: cloudflare
      - name: internal
        url: ws://10.0.20.203/ws
        headers: { Host: t3.example.com, Authorization: "Bearer \${T3_TOKEN}" }
        enters: traefik
`;

const BAD = `
targets:
  - name: t3
    segments: [last-mile, edge, app]
    legs:
      - { name: edge, url: "https://t3.example.com/ws", enters: edge }
      - { name: app, url: "ws://x/ws", enters: ap }
`;

describe('hopwatch check-config', () => {
  it('prints each leg and the segments it covers, with secrets redacted, and exits 0', async () => {
    const file = await configFile('good.yaml', GOOD);
    const { code, stdout, stderr } = await hopwatch(['check-config', file], { T3_TOKEN: 'tok-4711' });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`config OK: ${file}\n`);
    expect(stdout).toContain(
      '  leg cloudflare: wss://***@t3.example.com/ws?token=***\n' +
        '    covers: cloudflare, tunnel, traefik, app, cloudflare:entry (enters cloudflare)\n',
    );
    expect(stdout).toContain(
      '  leg internal: ws://10.0.20.203/ws\n    covers: traefik, app, internal:entry (enters traefik)\n',
    );
    expect(stdout).toContain('headers: Host: t3.example.com, Authorization: ***');
    expect(stdout).not.toContain('tok-4711');
    expect(stdout).not.toContain('pw@');
  });

  it('prints every error with its key path and exits 2 without a stack trace', async () => {
    const file = await configFile('bad.yaml', BAD);
    const { code, stdout, stderr } = await hopwatch(['check-config', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `hopwatch: invalid config ${file} (1 error):\n` +
        'targets[0].legs[0].url: must start with ws:// or wss:// (got "https://t3.example.com/ws")\n',
    );
  });

  it('reports a missing environment variable and an unknown key', async () => {
    const file = await configFile('env.yaml', GOOD.replace('headers:', 'header:'));
    const { code, stderr } = await hopwatch(['check-config', file]);
    expect(code).toBe(2);
    expect(stderr.split('\n')).toEqual([
      `hopwatch: invalid config ${file} (2 errors):`,
      'targets[0].legs[0].url: environment variable T3_TOKEN is not set',
      'targets[0].legs[1].header: unknown key (expected one of name, url, enters, covers, headers, ' +
        'subprotocols, origin, tls, heartbeat, reconnect, open)',
      '',
    ]);
  });

  it('reports the resolution errors once the shape is right', async () => {
    const file = await configFile('enters.yaml', BAD.replace('https://', 'wss://'));
    const { code, stderr } = await hopwatch(['check-config', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      'targets[0].legs[1].enters: "ap" is not a segment (segments of target t3: last-mile, edge, app)\n',
    );
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

describe('hopwatch (serve)', () => {
  it('exits 2 on an invalid config, naming the key, without a stack trace', async () => {
    const file = await configFile('startup.yaml', BAD);
    const { code, stderr } = await hopwatch(['--config', file, '--port', '0']);
    expect(code).toBe(2);
    expect(stderr).toContain('targets[0].legs[0].url: must start with ws:// or wss://');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('reads HOPWATCH_CONFIG when there is no --config', async () => {
    const file = await configFile('from-env.yaml', 'server: { prot: 1 }\n');
    const { code, stderr } = await hopwatch(['--port', '0'], { HOPWATCH_CONFIG: file });
    expect(code).toBe(2);
    expect(stderr).toBe(
      `hopwatch: invalid config ${file} (1 error):\n` +
        'server.prot: unknown key (expected one of host, port, authToken, allowedOrigins, allowedHosts, trustProxy)\n',
    );
  });

  it('exits 2 on --port abc', async () => {
    const { code, stderr } = await hopwatch(['--port', 'abc']);
    expect(code).toBe(2);
    expect(stderr).toContain('hopwatch: --port: must be an integer from 0 to 65535 (got "abc")');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('warns about --host 0.0.0.0 without a config, as it does for the same host in one', async () => {
    const cli = new RunningCli(['--host', '0.0.0.0', '--port', '0', '--data', join(dir, 'exposed')]);
    await cli.waitFor('the exposure warning', () =>
      cli.stderr.includes('hopwatch: warning: server.host: 0.0.0.0 is reachable from other machines')
        ? true
        : undefined,
    );
  });

  it('exits 2 on a --host it could never bind, without echoing all of it', async () => {
    const { code, stderr } = await hopwatch(['--host', `\xff\xfe${'a'.repeat(10_000)}`, '--port', '0']);
    expect(code).toBe(2);
    expect(stderr).toContain('--host: must be an IP address or a host name');
    expect(stderr.length).toBeLessThan(2_000);
  });

  it('exits 2 on a log level it does not know', async () => {
    const { code, stderr } = await hopwatch(['--port', '0'], { HOPWATCH_LOG_LEVEL: 'loud' });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'HOPWATCH_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
    );
  });
});

/** A long-running hopwatch whose output the test can wait on. */
class RunningCli {
  stdout = '';
  stderr = '';
  readonly child: ChildProcess;
  private waiters: (() => void)[] = [];

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv({}), stdio: 'pipe' });
    children.push(this.child);
    const wake = () => {
      for (const waiter of this.waiters.splice(0)) waiter();
    };
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
      wake();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      wake();
    });
    this.child.once('exit', wake);
  }

  /** Resolves once `found` returns a value; fails with the output so far if the process exits first. */
  async waitFor<T>(what: string, found: () => T | undefined): Promise<T> {
    for (;;) {
      const value = found();
      if (value !== undefined) return value;
      if (this.child.exitCode !== null) {
        throw new Error(
          `hopwatch exited (${this.child.exitCode}) before ${what}:\n${this.stderr}\n${this.stdout}`,
        );
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** The structured log lines (pino JSON on stdout) with this message. */
  logs(msg: string): Record<string, unknown>[] {
    return this.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === msg);
  }
}

/** A ws echo server that remembers every connection, so a test can tell a kept session from a new one. */
async function echoServer(): Promise<{ port: number; connections: { path: string; socket: WebSocket }[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  echoServers.push(wss);
  const connections: { path: string; socket: WebSocket }[] = [];
  wss.on('connection', (socket, request) => {
    connections.push({ path: new URL(request.url ?? '/', 'ws://x').pathname, socket });
    socket.on('message', (data, binary) => socket.send(data, { binary }));
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  return { port: (wss.address() as { port: number }).port, connections };
}

/** Polls until `check` holds; generous, since the machine may be loaded. */
async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SIGHUP', () => {
  it('applies a valid file (unchanged legs keep their sessions) and keeps the old config on an invalid one', async () => {
    const echo = await echoServer();
    const opened = (path: string) => echo.connections.filter((connection) => connection.path === path);
    const target = (legs: string) => `
targets:
  - name: local
    segments: [last-mile, proxy, app]
    heartbeat: { interval: 200ms, timeout: 2s }
    legs:
      - { name: app, url: "ws://127.0.0.1:${echo.port}/app", enters: app }
${legs}`;
    const file = await configFile('reload.yaml', target(''));
    const cli = new RunningCli(['--config', file, '--port', '0', '--data', join(dir, 'reload-data')]);
    const url = await cli.waitFor('listening', () => /dashboard on (http:\S+)/.exec(cli.stderr)?.[1]);
    await until('leg app to connect', () => opened('/app').length === 1);

    // A leg added: it connects, and leg app keeps its one session.
    await writeFile(
      file,
      target(`      - { name: proxy, url: "ws://127.0.0.1:${echo.port}/proxy?token=sekrit", enters: proxy }`),
    );
    cli.child.kill('SIGHUP');
    const reloaded = await cli.waitFor('the reload', () => cli.logs('config reloaded')[0]);
    expect(reloaded.changes).toEqual(['leg local/proxy added']);
    await until('leg proxy to connect', () => opened('/proxy').length === 1);

    // A leg changed: it reconnects with its new settings; leg app still keeps its session.
    await writeFile(
      file,
      target(`      - { name: proxy, url: "ws://127.0.0.1:${echo.port}/proxy2", enters: proxy }`),
    );
    cli.child.kill('SIGHUP');
    await cli.waitFor('the second reload', () => cli.logs('config reloaded')[1]);
    await until('leg proxy to reconnect', () => opened('/proxy2').length === 1);
    await until(
      'the old proxy session to close',
      () => opened('/proxy')[0]?.socket.readyState === WebSocket.CLOSED,
    );

    // An invalid file: logged with its errors, nothing changes.
    await writeFile(file, target('      - { name: Proxy, url: "ws://x/ws", enters: proxy }'));
    cli.child.kill('SIGHUP');
    const failed = 'config reload failed: the file is invalid, keeping the running config';
    const rejected = await cli.waitFor('the rejection', () => cli.logs(failed)[0]);
    expect(rejected.errors).toEqual([
      'targets[0].legs[1].name: must match [a-z0-9][a-z0-9_-]*: lowercase letters, digits, _ and - (got "Proxy")',
    ]);

    expect(opened('/app')).toHaveLength(1);
    expect(opened('/app')[0]?.socket.readyState).toBe(WebSocket.OPEN);
    expect(opened('/proxy2')[0]?.socket.readyState).toBe(WebSocket.OPEN);

    // Still serving, and nothing secret was logged.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(cli.child.exitCode).toBeNull();
    expect(cli.stdout).not.toContain('sekrit');

    cli.child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) =>
      cli.child.once('exit', (exit) => resolve(exit)),
    );
    expect(code).toBe(0);
  });
});
