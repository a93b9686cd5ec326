#!/usr/bin/env node
// Packs the `hopwatch` npm package, the one `npx hopwatch` runs. The server's workspace dependencies are never
// published on their own (@hopwatch/shared: wire types and pure logic; @hopwatch/web: the built dashboard), so
// they travel inside the tarball as bundleDependencies. npm bundles only real folders under the package's own
// node_modules, which a workspace does not have (its links live at the root), so the package is laid out in a
// temporary folder: the server's manifest and dist/, the README, and the two built workspaces under
// node_modules/@hopwatch/. Usage, after `npm run build`: node deploy/pack-npm.mjs [OUT_DIR] (default: .).
// Then `npm publish hopwatch-<version>.tgz`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER = 'apps/server';
/** Bundled workspace packages: folder, and what of it ships (its package.json "files"). */
const BUNDLED = { '@hopwatch/shared': 'packages/shared', '@hopwatch/web': 'apps/web' };

/** The published manifest: the server's, minus what only the work tree needs, with the bundle declared. */
export function publishedManifest(root = ROOT) {
  const server = readJson(join(root, SERVER, 'package.json'));
  const { private: _private, scripts: _scripts, devDependencies: _dev, ...manifest } = server;
  return {
    ...manifest,
    engines: readJson(join(root, 'package.json')).engines,
    bundleDependencies: Object.keys(BUNDLED),
  };
}

/** Packs into `outDir`; returns the tarball's path. Throws naming a missing build output. */
export function packNpm(outDir, root = ROOT) {
  const stage = mkdtempSync(join(tmpdir(), 'hopwatch-pack-'));
  try {
    const manifest = publishedManifest(root);
    writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    copyFiles(join(root, SERVER), stage, manifest.files);
    cpSync(join(root, 'README.md'), join(stage, 'README.md'));
    for (const [name, dir] of Object.entries(BUNDLED)) {
      const source = join(root, dir);
      const { scripts: _s, devDependencies: _d, ...bundled } = readJson(join(source, 'package.json'));
      const dest = join(stage, 'node_modules', name);
      copyFiles(source, dest, bundled.files);
      writeFileSync(join(dest, 'package.json'), `${JSON.stringify(bundled, null, 2)}\n`);
    }
    const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', resolve(outDir)], {
      cwd: stage,
      encoding: 'utf8',
    });
    if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stdout}${packed.stderr}`);
    const [{ filename }] = JSON.parse(packed.stdout);
    return join(resolve(outDir), filename);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function copyFiles(from, to, files = []) {
  for (const file of files) {
    if (!existsSync(join(from, file)))
      throw new Error(`pack-npm: ${join(from, file)} is missing: run npm run build`);
    cpSync(join(from, file), join(to, file), { recursive: true });
  }
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.length > 3) {
    process.stderr.write('usage: node deploy/pack-npm.mjs [OUT_DIR]\n');
    process.exit(2);
  }
  try {
    process.stdout.write(`${packNpm(process.argv[2] ?? '.')}\n`);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
