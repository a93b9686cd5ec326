// The contract lives in this repository (docs/spec.md, docs/drop-signatures.md) and every citation of it must
// resolve: no tracked file may point outside the repository, cite a spec anchor that does not exist, or cite
// the spec by bare section number, and every relative link in the README and docs/ must reach a tracked file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SELF = relative(ROOT, fileURLToPath(import.meta.url));

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
  .split('\0')
  .filter((path) => path !== '' && path !== 'package-lock.json');
const trackedSet = new Set(tracked);
const trackedDirs = new Set(
  tracked.flatMap((path) =>
    path
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  ),
);

function text(path) {
  try {
    const content = readFileSync(join(ROOT, path), 'utf8');
    return content.includes('\0') ? null : content;
  } catch {
    return null; // deleted in the work tree but still in the index
  }
}

/** GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown) {
  const anchors = new Set();
  const seen = new Map();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = heading[1]
        .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
        .replace(/\s/g, '-');
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const explicit of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(explicit[1]);
  }
  return anchors;
}

const anchorCache = new Map();
function anchorsOfFile(path) {
  if (!anchorCache.has(path)) anchorCache.set(path, anchorsOf(text(path) ?? ''));
  return anchorCache.get(path);
}

// Built from pieces so that this file does not trip its own check.
const OUTSIDE = [['..', 'shared', ''].join('/'), ['shared', 'domain'].join('/')];
const BARE_CITATION = new RegExp(['SPEC', '(section|§)\\s*\\d'].join('\\s*'));

describe('references to the contract', () => {
  it('no tracked file points outside the repository', () => {
    const offenders = [];
    for (const path of tracked) {
      if (path === SELF) continue;
      const content = text(path);
      if (content === null) continue;
      content.split('\n').forEach((line, index) => {
        for (const needle of OUTSIDE)
          if (line.includes(needle)) offenders.push(`${path}:${index + 1}: ${needle}`);
      });
    }
    assert.deepEqual(offenders, []);
  });

  it('every citation of the spec is a link to docs/spec.md#<anchor>, not a bare section number', () => {
    const offenders = [];
    for (const path of tracked) {
      if (path === SELF) continue;
      const content = text(path);
      if (content === null) continue;
      content.split('\n').forEach((line, index) => {
        if (BARE_CITATION.test(line)) offenders.push(`${path}:${index + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(offenders, [], 'cite docs/spec.md#<heading-anchor> instead');
  });

  it('every docs/<page>.md#anchor cited anywhere exists (docs/spec.md#4-http-api, docs/architecture.md#import-rules)', () => {
    const offenders = [];
    for (const path of tracked) {
      if (path === SELF) continue;
      const content = text(path);
      if (content === null) continue;
      for (const match of content.matchAll(/docs\/([\w-]+)\.md#([\w\p{L}-]+)/gu)) {
        const doc = `docs/${match[1]}.md`;
        if (!trackedSet.has(doc) || !anchorsOfFile(doc).has(match[2])) offenders.push(`${path}: ${match[0]}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('every relative link in the README and docs/ reaches a tracked file (and its anchor)', () => {
    const offenders = [];
    for (const path of tracked.filter((p) => p.endsWith('.md'))) {
      const content = text(path);
      if (content === null) continue;
      for (const match of content.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = match[1];
        if (/^[a-z][a-z+.-]*:/i.test(link)) continue; // http:, https:, mailto:
        const [file, anchor] = link.split('#');
        const target = file === '' ? path : normalize(join(dirname(path), file));
        if (
          target.startsWith('..') ||
          !(trackedSet.has(target) || trackedDirs.has(target.replace(/\/$/, '')))
        ) {
          offenders.push(`${path}: ${link} (no such file in the repository)`);
        } else if (anchor !== undefined && target.endsWith('.md') && !anchorsOfFile(target).has(anchor)) {
          offenders.push(`${path}: ${link} (no such heading in ${target})`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('the README links every page in docs/', () => {
    const readme = text('README.md') ?? '';
    const unlinked = tracked.filter(
      (path) => /^docs\/[^/]+\.md$/.test(path) && !readme.includes(`](${path})`),
    );
    assert.deepEqual(unlinked, []);
  });

  it('computes anchors the way GitHub does', () => {
    const anchors = anchorsOf(
      '# A\n## 4. HTTP API\n## 7. Built-in lab\n```\n# not a heading\n```\n## 4. HTTP API\n<a id="x"></a>',
    );
    assert.deepEqual([...anchors].sort(), ['4-http-api', '4-http-api-1', '7-built-in-lab', 'a', 'x']);
  });
});
