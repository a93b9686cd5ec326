// `npx hopwatch`, proven without a registry: deploy/pack-npm.mjs packs the `hopwatch` package (the server with
// the built dashboard and @hopwatch/shared bundled inside), `npm install` puts the tarball into a clean folder
// (its registry dependencies from npm's cache; better-sqlite3 compiles there, which takes minutes), and the
// installed `hopwatch` command runs: --version, check-config, and a lab server that serves the dashboard.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packNpm } from '../pack-npm.mjs';
import { assertNoNodeModulesAbove, http, npmInClean, ROOT, run, startHopwatch, tempDir } from './support.mjs';

const VERSION = JSON.parse(readFileSync(join(ROOT, 'apps/server/package.json'), 'utf8')).version;

describe('the hopwatch npm package, packed and installed into a clean folder', () => {
  const scratch = tempDir('npm');
  const app = join(scratch.path, 'app');
  const bin = join(app, 'node_modules/.bin/hopwatch');
  let tarball;
  let files;
  let install;
  let hopwatch;

  before(() => {
    assertNoNodeModulesAbove(scratch.path);
    tarball = packNpm(scratch.path);
    files = run('tar', ['-tzf', tarball]).stdout.split('\n').filter(Boolean);
    mkdirSync(app);
    // allowScripts: better-sqlite3 builds its native module in its install script, as the root allows.
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'try-hopwatch', private: true, allowScripts: { 'better-sqlite3': true } }),
    );
    install = npmInClean(['install', tarball], app);
  });

  after(async () => {
    await hopwatch?.stop();
    scratch.remove();
  });

  it('holds the CLI, the built dashboard and the shared package, and no sources or tests', () => {
    for (const file of [
      'package/dist/cli.js',
      'package/node_modules/@hopwatch/web/dist/index.html',
      'package/node_modules/@hopwatch/shared/dist/protocol/index.js',
      'package/README.md',
    ]) {
      assert.ok(files.includes(file), `the tarball has ${file}`);
    }
    assert.ok(!files.some((file) => file.includes('/src/')), 'no sources');
    assert.ok(!files.some((file) => /\.test\.js$/.test(file)), 'no tests');
    assert.ok(
      !files.some(
        (file) => file.startsWith('package/node_modules/@hopwatch/web/dist/') && file.endsWith('.map'),
      ),
    );
  });

  it('is publishable and names its command and bundle', () => {
    const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json']).stdout);
    assert.equal(manifest.name, 'hopwatch');
    assert.equal(manifest.private, undefined, 'not private');
    assert.deepEqual(manifest.bin, { hopwatch: './dist/cli.js' });
    assert.deepEqual(manifest.bundleDependencies.sort(), ['@hopwatch/shared', '@hopwatch/web']);
    assert.equal(manifest.engines.node, '>=20.19');
    assert.equal(manifest.devDependencies, undefined);
  });

  it('installs', () => {
    assert.equal(install.status, 0, `npm install failed:\n${install.stdout}\n${install.stderr}`);
  });

  it('has a hopwatch command that prints its version', () => {
    assert.equal(install.status, 0, 'npm install failed: see the test "installs"');
    const result = run(bin, ['--version']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${VERSION}\n`);
  });

  it('validates the Kubernetes example config with hopwatch check-config', () => {
    assert.equal(install.status, 0, 'npm install failed: see the test "installs"');
    const result = run(bin, ['check-config', join(ROOT, 'deploy/kubernetes/hopwatch.yaml')]);
    assert.equal(result.status, 0, `check-config failed:\n${result.stdout}${result.stderr}`);
    // The example binds 0.0.0.0 without authToken (the Service is its door): check-config says so as a warning.
    assert.match(result.stdout, /^config (OK|valid, with \d+ warnings? \(below\)):/);
    assert.doesNotMatch(result.stdout, /warnings:[\s\S]*^ {2}(?!server\.host: )/m);
  });

  it('starts the lab and serves the bundled dashboard and its API', async () => {
    assert.equal(install.status, 0, 'npm install failed: see the test "installs"');
    hopwatch = await startHopwatch({
      cli: join(app, 'node_modules/hopwatch/dist/cli.js'),
      args: ['--lab', '--host', '127.0.0.1', '--port', '0', '--data', join(scratch.path, 'data')],
      cwd: app,
      env: { ...process.env, HOPWATCH_LOG_LEVEL: 'warn' },
    });
    const page = await http(`${hopwatch.url}/`);
    assert.equal(page.status, 200);
    assert.equal(
      page.body,
      readFileSync(join(app, 'node_modules/hopwatch/node_modules/@hopwatch/web/dist/index.html'), 'utf8'),
    );
    const health = await http(`${hopwatch.url}/healthz`);
    assert.equal(health.body.version, VERSION);
    assert.equal((await http(`${hopwatch.url}/api/openapi.json`)).status, 200);
    const status = await hopwatch.stop(20_000);
    assert.deepEqual(status, { code: 0, signal: null }, hopwatch.output());
  });
});
