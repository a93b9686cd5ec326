// Two hopwatch instances, `home` and `vps`, sharing a real PostgreSQL: each is the built CLI in a child
// process, probing one target through the lab's hop proxies in front of an echo app. Each vantage reaches the
// shared `lb` and `app` hops through its own uplink proxies (its own network):
//
//   home-lb ─▶ uplink(home→lb) ─┐                    vps-lb ─▶ uplink(vps→lb) ─┐
//                               ├─▶ lb ─▶ app                                  ├─▶ lb ─▶ app
//   home-app ─▶ uplink(home→app) ──────▶ app         vps-app ─▶ uplink(vps→app) ───────▶ app
//
// Breaking home's uplinks drops only home's legs and the verdict names `vantage:home`; breaking `lb` drops
// both vantages' lb legs and names `lb`. Then the instance holding the judge's lease is killed with SIGKILL:
// the other keeps serving, takes the lease over and judges, keeps relaying, and neither live stream lost or
// repeated an event.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { DropsResponse, EventsResponse, TargetsResponse, Verdict } from '@hopwatch/shared/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoApp } from '../lab/echo-app.js';
import { HEALTHY, HopProxy } from '../lab/hop-proxy.js';
import { connectLive, type LiveTestClient, until } from '../routes/test-support/live-client.js';
import { JUDGE_LOCK } from '../store/postgres/locks.js';
import { type PostgresServer, startPostgres } from '../store/postgres/throwaway-server.js';

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Its own build, beside dist/ (as cli.int.test.ts does): tests that start the prober's worker thread read
// dist/, which must not be rewritten under them.
const OUT_DIR = join(SERVER_DIR, '.test-dist-vantages');
const CLI = join(OUT_DIR, 'cli.js');
const run = promisify(execFile);
const WAIT_MS = 60_000;
/** Legs up this long before a fault: through a whole correlation window (2 s) before the drops. */
const CLEAN_FOR_MS = 2_500;

interface Instance {
  vantage: string;
  child: ChildProcess;
  url: string;
  stderr: string;
}

let dir = '';
let postgres: PostgresServer | null = null;
let app: EchoApp | null = null;
const proxies: HopProxy[] = [];
const instances: Instance[] = [];
const clients: LiveTestClient[] = [];

function proxy(name: string, upstream: { port: number }): Promise<HopProxy> {
  return HopProxy.start({ name, upstreamPort: upstream.port }).then((hop) => {
    proxies.push(hop);
    return hop;
  });
}

function configFor(vantage: string, database: string, hops: { lb: HopProxy; app: HopProxy }): string {
  const leg = (name: string, hop: HopProxy, enters: string) =>
    `      - { name: ${vantage}-${name}, url: "ws://127.0.0.1:${hop.port}/ws", enters: ${enters} }`;
  return `vantage: ${vantage}
server: { host: 127.0.0.1, port: 0 }
storage: { postgres: "${database}" }
targets:
  - name: api
    segments: [last-mile, lb, app]
    correlationWindow: 2s
    heartbeat: { mode: ping, interval: 400ms, timeout: 1200ms }
    legs:
${leg('lb', hops.lb, 'lb')}
${leg('app', hops.app, 'app')}
`;
}

async function startInstance(vantage: string, config: string): Promise<Instance> {
  const path = join(dir, `${vantage}.yaml`);
  await writeFile(path, config);
  const child = spawn(process.execPath, [CLI, '--config', path], {
    env: { PATH: process.env.PATH ?? '', HOPWATCH_LOG_LEVEL: 'warn' },
    stdio: 'pipe',
  });
  const instance: Instance = { vantage, child, url: '', stderr: '' };
  instances.push(instance);
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    instance.stderr += chunk.toString();
  });
  await until(
    () => {
      if (child.exitCode !== null)
        throw new Error(`${vantage} exited (${child.exitCode}):\n${instance.stderr}`);
      const match = /dashboard on (http:\/\/\S+)/.exec(instance.stderr);
      if (match?.[1]) instance.url = match[1];
      return instance.url !== '';
    },
    `${vantage} listening`,
    WAIT_MS,
  );
  return instance;
}

async function get<T>(instance: Instance, path: string): Promise<T> {
  const response = await fetch(`${instance.url}${path}`);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function live(instance: Instance, since?: number): Promise<LiveTestClient> {
  const base = instance.url.replace(/^http/, 'ws');
  const client = await connectLive(`${base}/api/live${since === undefined ? '' : `?since=${since}`}`);
  clients.push(client);
  return client;
}

/** Every stored event in the log, oldest first. */
async function eventLog(instance: Instance): Promise<number[]> {
  const seqs: number[] = [];
  let since = 0;
  for (;;) {
    const page = await get<EventsResponse>(instance, `/api/events?since=${since}&limit=1000`);
    if (page.events.length === 0) return seqs;
    seqs.push(...page.events.map((e) => e.seq));
    since = page.events.at(-1)?.seq ?? since;
  }
}

/** Waits for a verdict (after `after`) whose dropped legs include all of `dropped`. */
async function verdictOn(instance: Instance, after: number, dropped: string[]): Promise<Verdict> {
  let found: Verdict | undefined;
  await until(
    async () => {
      const { drops } = await get<DropsResponse>(instance, `/api/drops?target=api&from=${after}`);
      found = drops.find((v) => dropped.every((leg) => v.dropped.includes(leg)));
      return found !== undefined;
    },
    `a verdict on ${instance.vantage} with ${dropped.join(', ')} dropped`,
    WAIT_MS,
  );
  return found as Verdict;
}

/** Until every leg `instance` serves (or only those named `prefix`…) has been up for `ms`. */
async function upFor(instance: Instance, ms: number, prefix = ''): Promise<void> {
  await until(
    async () => {
      const { targets } = await get<TargetsResponse>(instance, '/api/targets');
      const legs = (targets[0]?.legs ?? []).filter((leg) => leg.name.startsWith(prefix));
      return legs.length > 0 && legs.every((leg) => leg.state === 'up' && Date.now() - leg.since >= ms);
    },
    `${prefix || 'all'} legs on ${instance.vantage} up for ${ms} ms`,
    WAIT_MS,
  );
}

async function breakFor(hops: HopProxy[], ms: number): Promise<void> {
  for (const hop of hops) hop.setConditions({ ...HEALTHY, reset: true });
  await new Promise((resolve) => setTimeout(resolve, ms));
  for (const hop of hops) hop.setConditions(HEALTHY);
}

/** A stream holds no event twice and, between its first and last event, every event the log holds. */
function expectNoGapNoDuplicate(received: number[], log: number[]): void {
  expect(new Set(received).size).toBe(received.length);
  expect([...received].sort((a, b) => a - b)).toEqual(received);
  const first = received[0] ?? 0;
  const last = received.at(-1) ?? 0;
  expect(received).toEqual(log.filter((seq) => seq >= first && seq <= last));
}

let uplinks: { home: HopProxy[]; vps: HopProxy[] };
let lb: HopProxy;
let database = '';

/** The vantage whose instance holds the judge's lease now (its connection holds the advisory lock), or null. */
async function leaseHolder(): Promise<string | null> {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      'SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid ' +
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1",
      [JUDGE_LOCK],
    );
    return rows[0]?.name.replace(/^hopwatch:/, '') ?? null;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', OUT_DIR], {
    cwd: SERVER_DIR,
  }).catch(() => undefined);
  expect(existsSync(CLI)).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'hopwatch-vantages-'));
  postgres = await startPostgres();
  database = await postgres.createDatabase();
  app = await EchoApp.start();
  lb = await proxy('lb', app);
  uplinks = {
    home: [await proxy('home-uplink-lb', lb), await proxy('home-uplink-app', app)],
    vps: [await proxy('vps-uplink-lb', lb), await proxy('vps-uplink-app', app)],
  };
  const [homeLb, homeApp] = uplinks.home as [HopProxy, HopProxy];
  const [vpsLb, vpsApp] = uplinks.vps as [HopProxy, HopProxy];
  await startInstance('home', configFor('home', database, { lb: homeLb, app: homeApp }));
  await startInstance('vps', configFor('vps', database, { lb: vpsLb, app: vpsApp }));
}, 240_000);

afterAll(async () => {
  for (const client of clients) client.close();
  await Promise.all(
    instances.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  await Promise.all(proxies.map((hop) => hop.close()));
  await app?.close();
  await postgres?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('two vantages sharing PostgreSQL', () => {
  it(
    'refuses to start a third whose target disagrees on the segments, naming both sides',
    async () => {
      const path = join(dir, 'misfit.yaml');
      const misfit = configFor('misfit', database, { lb, app: lb }).replace(
        'segments: [last-mile, lb, app]',
        'segments: [last-mile, edge, lb, app]',
      );
      await writeFile(path, misfit);
      const child = spawn(process.execPath, [CLI, '--config', path], {
        env: { PATH: process.env.PATH ?? '', HOPWATCH_LOG_LEVEL: 'warn' },
        stdio: 'pipe',
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.stdout?.resume();
      const code = await new Promise<number | null>((resolve) => child.once('exit', (exit) => resolve(exit)));
      expect(code).not.toBe(0);
      expect(stderr).toContain(
        'target "api" has segments [last-mile, edge, lb, app] here (vantage misfit) but [last-mile, lb, app]',
      );
      expect(stderr).toContain('instances sharing a target name must agree on its segments');
    },
    WAIT_MS,
  );

  it('show every vantage, attribute per vantage, and survive one being killed', async () => {
    const [home, vps] = instances as [Instance, Instance];
    const homeStream = await live(home);
    const vpsStream = await live(vps);

    // Every instance's API shows every vantage's legs, up, with the vantages as the outermost segments.
    for (const instance of [home, vps]) {
      await until(
        async () => {
          const { targets } = await get<TargetsResponse>(instance, '/api/targets');
          const legs = targets[0]?.legs ?? [];
          return legs.length === 4 && legs.every((leg) => leg.state === 'up');
        },
        `all four legs up on ${instance.vantage}`,
        WAIT_MS,
      );
      const { targets } = await get<TargetsResponse>(instance, '/api/targets');
      expect(targets[0]?.segments.filter((s) => s.startsWith('vantage:')).sort()).toEqual([
        'vantage:home',
        'vantage:vps',
      ]);
    }
    // /metrics: its own legs only, labelled with its vantage.
    const metrics = await (await fetch(`${home.url}/metrics`)).text();
    expect(metrics).toMatch(/hopwatch_leg_up\{[^}]*leg="home-lb"[^}]*vantage="home"/);
    expect(metrics).not.toMatch(/leg="vps-/);

    // Home's own network breaks: only home's legs drop, and the verdict names home's vantage segment.
    await upFor(vps, CLEAN_FOR_MS); // clean legs up through a whole window
    const settle = Date.now();
    await breakFor(uplinks.home, 1_000);
    const homeVerdict = await verdictOn(vps, settle, ['home-lb', 'home-app']);
    // The vantage is named and the other exonerated; a hop also crossed only by legs whose heartbeats the
    // machine's load made unknown may stay suspect beside it, which is not what this checks.
    expect(homeVerdict.suspects, homeVerdict.summary).toContain('vantage:home');
    expect(homeVerdict.suspects, homeVerdict.summary).not.toContain('vantage:vps');
    expect(homeVerdict.suspects, homeVerdict.summary).not.toContain('lb');
    expect(homeVerdict.dropped.some((leg) => leg.startsWith('vps-'))).toBe(false);
    await verdictOn(home, settle, ['home-lb', 'home-app']);

    // A shared hop breaks: both vantages' legs through it drop, and the hop is named.
    await upFor(vps, CLEAN_FOR_MS);
    const shared = Date.now();
    await breakFor([lb], 1_000);
    const lbVerdict = await verdictOn(home, shared, ['home-lb', 'vps-lb']);
    expect(lbVerdict.suspects, lbVerdict.summary).toContain('lb');
    expect(
      lbVerdict.suspects.filter((s) => s.startsWith('vantage:')),
      lbVerdict.summary,
    ).toEqual([]);
    expect([...lbVerdict.dropped, ...lbVerdict.clean, ...lbVerdict.unknown].sort()).toEqual([
      'home-app',
      'home-lb',
      'vps-app',
      'vps-lb',
    ]);
    expect(lbVerdict.dropped, lbVerdict.summary).not.toContain('home-app');

    // kill -9 the instance judging for both: the other keeps serving, takes the lease over, judges, relays.
    let holder: string | null = null;
    await until(
      async () => {
        holder = await leaseHolder();
        return holder !== null;
      },
      'an instance holding the judge lease',
      WAIT_MS,
    );
    const victim = holder === 'home' ? home : vps;
    const survivor = victim === home ? vps : home;
    const victimStream = victim === home ? homeStream : vpsStream;
    const survivorStream = victim === home ? vpsStream : homeStream;
    // the dashboard on the victim is live when it dies: it has an event from after the lease was found
    const seenBefore = victimStream.eventSeqs().length;
    await until(() => victimStream.eventSeqs().length > seenBefore, 'a live event on the victim', WAIT_MS);
    const victimSeen = victimStream.eventSeqs();
    victim.child.kill('SIGKILL');
    await new Promise<void>((resolve) => victim.child.once('exit', () => resolve()));
    const own = `${survivor.vantage}-`;
    await until(async () => (await leaseHolder()) === survivor.vantage, 'the lease taken over', WAIT_MS);
    await upFor(survivor, CLEAN_FOR_MS, own);
    const afterKill = Date.now();
    const relayedBefore = survivorStream.eventSeqs().length;
    await breakFor([lb], 1_000);
    const survivorVerdict = await verdictOn(survivor, afterKill, [`${own}lb`]);
    expect(survivorVerdict.suspects).toContain('lb');
    await until(() => survivorStream.eventSeqs().length > relayedBefore, 'relaying after the kill', WAIT_MS);

    // A dashboard that was on the killed instance resumes at the other with `since`: it gets exactly what it
    // missed.
    const resumed = await live(survivor, victimSeen.at(-1) ?? 0);
    const newest = survivorStream.eventSeqs().at(-1) ?? 0;
    await until(() => resumed.eventSeqs().some((seq) => seq >= newest), 'resume caught up', WAIT_MS);
    const log = await eventLog(survivor);
    expectNoGapNoDuplicate(victimStream.eventSeqs(), log);
    expectNoGapNoDuplicate(survivorStream.eventSeqs(), log);
    expectNoGapNoDuplicate([...victimSeen, ...resumed.eventSeqs()], log);
  }, 240_000);
});
