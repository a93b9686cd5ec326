#!/usr/bin/env node
// Lays out, from a built work tree, exactly what a production hopwatch needs, ready for `npm ci --omit=dev`:
// the root manifest, lockfile and .npmrc, every workspace's package.json, and the files each workspace
// publishes (its package.json "files", i.e. dist/). The Dockerfile and deploy/test share this one definition
// of the production layout. Usage: node deploy/stage-runtime.mjs DEST (after `npm run build`).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every workspace folder named by the root package.json, as paths relative to the root. */
export function workspaceDirs(root = ROOT) {
  const { workspaces } = readJson(join(root, 'package.json'));
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent)).map((name) => `${parent}/${name}`);
  });
}

/** Copies the production layout of `root` into `dest`; throws naming the first missing file. */
export function stageRuntime(dest, root = ROOT) {
  const copies = ['package.json', 'package-lock.json', '.npmrc'];
  for (const dir of workspaceDirs(root)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(join(root, manifest))) continue;
    copies.push(manifest, ...(readJson(join(root, manifest)).files ?? []).map((file) => join(dir, file)));
  }
  for (const path of copies) {
    if (!existsSync(join(root, path))) {
      throw new Error(`stage-runtime: ${path} is missing: run npm run build first`);
    }
  }
  mkdirSync(dest, { recursive: true });
  for (const path of copies) cpSync(join(root, path), join(dest, path), { recursive: true });
  return copies;
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dest = process.argv[2];
  if (!dest || process.argv.length > 3) {
    process.stderr.write('usage: node deploy/stage-runtime.mjs DEST\n');
    process.exit(2);
  }
  try {
    for (const path of stageRuntime(resolve(dest))) process.stdout.write(`${path}\n`);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
