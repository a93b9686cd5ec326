// The container's production layout, proven without Docker: deploy/stage-runtime.mjs lays out manifests and
// dist/ folders in a clean directory (as the Dockerfile's build stage does), `npm ci --omit=dev` installs only
// the runtime dependencies there, and hopwatch starts from that directory alone: /healthz, the dashboard
// (the web app's packages are devDependencies, bundled into its dist), /metrics, check-config, and a clean
// exit on SIGTERM (what Kubernetes sends). better-sqlite3 compiles from source during the install when no
// prebuilt binary can be downloaded, which takes a minute or two on a small machine.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stageRuntime } from '../stage-runtime.mjs';
import {
  assertNoNodeModulesAbove,
  CONTRACT_METRICS,
  http,
  npmInClean,
  ROOT,
  run,
  startHopwatch,
  tempDir,
} from './support.mjs';

const DEV_ONLY = [
  'vite',
  'react',
  'react-dom',
  'recharts',
  '@tanstack/react-query',
  'vitest',
  'typescript',
  'turbo',
  '@biomejs/biome',
  '@playwright/test',
];
const RUNTIME = ['fastify', 'better-sqlite3', 'prom-client', 'ws', 'yaml', 'zod', 'pino'];

describe('the production layout, installed with npm ci --omit=dev into a clean directory', () => {
  const scratch = tempDir('production');
  const app = join(scratch.path, 'app');
  let install;
  let hopwatch;

  before(() => {
    assertNoNodeModulesAbove(scratch.path);
    stageRuntime(app);
    install = npmInClean(['ci', '--omit=dev'], app);
  });

  after(async () => {
    await hopwatch?.stop();
    scratch.remove();
  });

  it('installs', () => {
    assert.equal(install.status, 0, `npm ci --omit=dev failed:\n${install.stdout}\n${install.stderr}`);
  });

  it('holds the runtime dependencies and none of the development ones, and no sources', () => {
    assert.equal(install.status, 0, 'npm ci --omit=dev failed: see the test "installs"');
    for (const name of RUNTIME) assert.ok(existsSync(join(app, 'node_modules', name)), `${name} installed`);
    assert.ok(
      existsSync(join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')),
      'better-sqlite3 has its native binding',
    );
    for (const name of DEV_ONLY) assert.ok(!existsSync(join(app, 'node_modules', name)), `${name} left out`);
    assert.ok(!existsSync(join(app, 'apps/server/src')), 'no server sources');
    assert.ok(existsSync(join(app, 'apps/web/dist/index.html')), 'the built dashboard');
  });

  it('starts from there, keeps its SQLite file in --data and answers /healthz', async () => {
    assert.equal(install.status, 0, 'npm ci --omit=dev failed: see the test "installs"');
    const data = join(scratch.path, 'data');
    hopwatch = await startHopwatch({
      cli: join(app, 'apps/server/dist/cli.js'),
      args: ['--lab', '--host', '127.0.0.1', '--port', '0', '--data', data],
      cwd: app,
      env: { ...process.env, NODE_ENV: 'production', HOPWATCH_LOG_LEVEL: 'warn' },
    });
    const health = await http(`${hopwatch.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    assert.equal(
      health.body.version,
      JSON.parse(readFileSync(join(ROOT, 'apps/server/package.json'))).version,
    );
    assert.ok(existsSync(join(data, 'hopwatch.db')), 'the SQLite file is created in --data');
  });

  it('serves the built dashboard at /', async () => {
    assert.ok(hopwatch, 'hopwatch did not start');
    const page = await http(`${hopwatch.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.contentType, /text\/html/);
    assert.equal(page.body, readFileSync(join(app, 'apps/web/dist/index.html'), 'utf8'));
    const script = page.body.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    assert.ok(script, 'index.html loads a bundled script');
    assert.equal((await http(`${hopwatch.url}${script}`)).status, 200);
  });

  it('serves every contract metric at /metrics', async () => {
    assert.ok(hopwatch, 'hopwatch did not start');
    const metrics = await http(`${hopwatch.url}/metrics`);
    assert.equal(metrics.status, 200);
    for (const [name, type] of Object.entries(CONTRACT_METRICS)) {
      assert.match(metrics.body, new RegExp(`^# TYPE ${name} ${type}$`, 'm'));
    }
  });

  it('validates the Kubernetes example config with check-config', () => {
    assert.equal(install.status, 0, 'npm ci --omit=dev failed: see the test "installs"');
    const result = run(process.execPath, [
      join(app, 'apps/server/dist/cli.js'),
      'check-config',
      join(ROOT, 'deploy/kubernetes/hopwatch.yaml'),
    ]);
    assert.equal(result.status, 0, `check-config failed:\n${result.stdout}${result.stderr}`);
  });

  it('exits cleanly on SIGTERM, as a pod being stopped', async () => {
    assert.ok(hopwatch, 'hopwatch did not start');
    const status = await hopwatch.stop(20_000);
    assert.deepEqual(status, { code: 0, signal: null }, `exit on SIGTERM:\n${hopwatch.output()}`);
  });
});
