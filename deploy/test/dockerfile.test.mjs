// The Dockerfile cannot be built on this machine (no Docker), so this checks what can be checked from its
// text: the requirements, and that it agrees with the kustomize base and with the production layout
// that production-layout.int.test.mjs installs and starts for real.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { workspaceDirs } from '../stage-runtime.mjs';
import { ROOT, readText } from './support.mjs';

const require = createRequire(import.meta.url);
const dockerfile = parseDockerfile(readText('Dockerfile'));
const runtime = dockerfile.stages.at(-1);
const build = dockerfile.stages.find((stage) => stage.name === 'build');
const ignored = readText('.dockerignore')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

describe('Dockerfile', () => {
  it('builds in one stage and runs from a small node image in another', () => {
    assert.equal(dockerfile.stages.length, 2);
    assert.match(dockerfile.args.NODE_IMAGE, /^node:\d+(\.[0-9.]+)?-(bookworm-)?slim$/);
    for (const stage of dockerfile.stages) assert.match(stage.from, /^\$\{NODE_IMAGE\}$/);
  });

  it('runs on the current Node LTS, one better-sqlite3 builds for, while the code keeps Node 20', () => {
    const major = Number(dockerfile.args.NODE_IMAGE.match(/^node:(\d+)/)[1]);
    assert.equal(major % 2, 0, 'LTS lines are even-numbered');
    // Node 26 became the Active LTS line in October 2026 (24 went to maintenance, 20 is past its end of life).
    assert.ok(major >= 26, `node:${major} is not the Active LTS line of 2026-11-30 (26)`);
    const sqlite = JSON.parse(readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8'));
    const supported = sqlite.engines.node.split('||').map((range) => range.trim());
    assert.ok(
      supported.includes(`${major}.x`),
      `better-sqlite3 supports ${sqlite.engines.node}, not ${major}`,
    );
    assert.equal(JSON.parse(readText('package.json')).engines.node, '>=20.19');
  });

  it('carries the OCI labels, version, revision and creation time from build args', () => {
    const labels = Object.fromEntries(
      [...last(runtime, 'LABEL').matchAll(/([a-z.]+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
    );
    const oci = (name) => labels[`org.opencontainers.image.${name}`];
    assert.equal(oci('title'), 'hopwatch');
    assert.ok(oci('description')?.length > 20, 'a description');
    for (const [name, arg] of [
      ['version', 'VERSION'],
      ['revision', 'REVISION'],
      ['created', 'CREATED'],
      ['source', 'SOURCE'],
      ['licenses', 'LICENSES'],
    ]) {
      assert.equal(oci(name), `\${${arg}}`, `${name} comes from the ${arg} build arg`);
      assert.ok(stageArgs(runtime)[arg] !== undefined, `the runtime stage declares ARG ${arg}`);
    }
    const version = JSON.parse(readText('apps/server/package.json')).version;
    assert.equal(stageArgs(runtime).VERSION, version, 'the VERSION default is the package version');
    assert.match(stageArgs(runtime).SOURCE, /^https:\/\//);
  });

  it('installs the production tree the way the production-layout test does', () => {
    const builds = build.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
    assert.ok(
      builds.some((cmd) => /^npm ci\b/.test(cmd) && !cmd.includes('--omit=dev')),
      'a full npm ci',
    );
    assert.ok(
      builds.some((cmd) => /npm run build/.test(cmd)),
      'npm run build',
    );
    const staging = builds.find((cmd) => cmd.includes('deploy/stage-runtime.mjs'));
    assert.match(staging ?? '', /node deploy\/stage-runtime\.mjs \/runtime .*npm ci --omit=dev/s);
    const copy = runtime.instructions.find((i) => i.op === 'COPY');
    assert.equal(copy.args, '--from=build /runtime /app');
  });

  it("copies every workspace's package.json before npm ci, so the lockfile matches", () => {
    const copies = build.instructions.filter((i) => i.op === 'COPY').map((i) => i.args);
    for (const dir of workspaceDirs().filter((d) => existsSync(join(ROOT, d, 'package.json')))) {
      assert.ok(copies.includes(`${dir}/package.json ${dir}/`), `the build stage copies ${dir}/package.json`);
    }
  });

  it('runs as the non-root node user with /data as a volume', () => {
    assert.equal(last(runtime, 'USER'), 'node');
    assert.equal(last(runtime, 'VOLUME'), '/data');
    assert.equal(last(runtime, 'EXPOSE'), '8080');
  });

  it('checks its health on /healthz with node itself (no curl in a slim image)', () => {
    const healthcheck = last(runtime, 'HEALTHCHECK');
    assert.match(healthcheck, /CMD \["node", "-e", ".*fetch\('http:\/\/127\.0\.0\.1:8080\/healthz'\)/);
  });

  it('starts with the config, bind address and data directory the Kubernetes Deployment uses', () => {
    assert.deepEqual(JSON.parse(last(runtime, 'ENTRYPOINT')), ['node', '/app/apps/server/dist/cli.js']);
    const deployment = parse(readText('deploy/kubernetes/deployment.yaml'));
    const [container] = deployment.spec.template.spec.containers;
    assert.deepEqual(JSON.parse(last(runtime, 'CMD')), container.args);
    assert.deepEqual(container.args, [
      '--config',
      '/config/hopwatch.yaml',
      '--host',
      '0.0.0.0',
      '--data',
      '/data',
    ]);
  });

  it('sends sources and manifests to the build, but no node_modules, dist or databases', () => {
    for (const pattern of ['**/node_modules', '**/dist', '**/*.db', '.git']) {
      assert.ok(ignored.includes(pattern), `.dockerignore has ${pattern}`);
    }
    const needed = ['package-lock.json', '.npmrc', 'deploy/stage-runtime.mjs', 'apps/server/src/cli.ts'];
    for (const path of needed) {
      assert.ok(!ignored.some((pattern) => ignores(pattern, path)), `.dockerignore must not drop ${path}`);
    }
  });
});

/** Stages and their instructions, continuation lines joined; enough of the format for the checks above. */
function parseDockerfile(text) {
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  const args = {};
  const stages = [];
  for (const line of lines.map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const [, op, rest] = line.match(/^([A-Z]+)\s+(.*)$/) ?? [];
    assert.ok(op, `unreadable Dockerfile line: ${line}`);
    const argsText = rest.replace(/\s+/g, ' ');
    if (op === 'FROM') {
      const [, from, name] = argsText.match(/^(\S+)(?: AS (\S+))?$/i);
      stages.push({ from, name, instructions: [] });
    } else if (op === 'ARG' && stages.length === 0) {
      const [key, value] = argsText.split('=');
      args[key] = value;
    } else {
      assert.ok(stages.length > 0, `${op} before FROM`);
      stages.at(-1).instructions.push({ op, args: argsText });
    }
  }
  return { args, stages };
}

/** The ARGs a stage declares, name → default ('' without one). */
function stageArgs(stage) {
  return Object.fromEntries(
    stage.instructions
      .filter((i) => i.op === 'ARG')
      .map((i) => {
        const [key, ...value] = i.args.split('=');
        return [key, value.join('=')];
      }),
  );
}

function last(stage, op) {
  const found = stage.instructions.filter((i) => i.op === op);
  assert.ok(found.length > 0, `the runtime stage has no ${op}`);
  return found.at(-1).args;
}

/** .dockerignore matching for the simple patterns used here: `*`, `**` and exact paths. */
function ignores(pattern, path) {
  const regex = pattern
    .split('/')
    .map((part) =>
      part === '**' ? '(?:.*/)?' : `${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}/`,
    )
    .join('');
  return new RegExp(`^${regex}`).test(`${path}/`);
}
