// Rewrites every bare spec citation in tracked files ("SPEC section N", "SPEC §N") into a link to the
// section's heading (docs/spec.md#4-http-api), the form `npm run test:repo` requires. Run it after a merge
// brings in code written the old way: `node scripts/cite-spec.mjs` (prints the files it changed).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { citeSpec, sectionAnchors } from './lib/spec-anchors.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const sections = sectionAnchors(readFileSync(join(ROOT, 'docs/spec.md'), 'utf8'));
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0');

for (const path of tracked) {
  if (path === '' || path === 'docs/spec.md' || path.startsWith('scripts/')) continue;
  let text;
  try {
    text = readFileSync(join(ROOT, path), 'utf8');
  } catch {
    continue;
  }
  if (text.includes('\0')) continue;
  const markdownSpecPath = path.endsWith('.md') ? relative(dirname(path), 'docs/spec.md') : null;
  const next = citeSpec(text, { sections, markdownSpecPath });
  if (next !== text) {
    writeFileSync(join(ROOT, path), next);
    console.log(path);
  }
}
