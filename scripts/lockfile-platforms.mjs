// Adds the platform packages this registry mirror does not serve (404) to package-lock.json, so `npm ci`
// (npm 11.19) stops failing with "Missing: @biomejs/cli-darwin-arm64@ from lock file". They are optional,
// never installed on Linux; entries carry version/os/cpu only. Run after any `npm install` that rewrites the lockfile: node scripts/lockfile-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const platforms = {
  '@biomejs/biome': {
    '@biomejs/cli-android-arm64': ['android', 'arm64'],
    '@biomejs/cli-android-x64': ['android', 'x64'],
    '@biomejs/cli-darwin-arm64': ['darwin', 'arm64'],
    '@biomejs/cli-darwin-x64': ['darwin', 'x64'],
    '@biomejs/cli-linux-arm64-musl': ['linux', 'arm64'],
    '@biomejs/cli-linux-x64-musl': ['linux', 'x64'],
    '@biomejs/cli-win32-arm64': ['win32', 'arm64'],
    '@biomejs/cli-win32-x64': ['win32', 'x64'],
  },
  turbo: {
    '@turbo/darwin-64': ['darwin', 'x64'],
    '@turbo/darwin-arm64': ['darwin', 'arm64'],
    '@turbo/windows-64': ['win32', 'x64'],
    '@turbo/windows-arm64': ['win32', 'arm64'],
  },
};
for (const [parent, children] of Object.entries(platforms)) {
  const owner = lock.packages[`node_modules/${parent}`];
  for (const [name, [os, cpu]] of Object.entries(children)) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    lock.packages[key] = {
      version: owner.optionalDependencies[name],
      cpu: [cpu],
      dev: true,
      optional: true,
      os: [os],
    };
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
