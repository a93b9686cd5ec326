// The contract lives in this repository (docs/spec.md, docs/drop-signatures.md) and every citation of it must
// resolve: no tracked file may point outside the repository, cite a spec anchor that does not exist, or cite
// the spec by bare section number, and every relative link in the README and docs/ must reach a tracked file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { anchorsOf, BARE_CITATION, citeSpec, sectionAnchors } from '../lib/spec-anchors.mjs';

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

const anchorCache = new Map();
function anchorsOfFile(path) {
  if (!anchorCache.has(path)) anchorCache.set(path, anchorsOf(text(path) ?? ''));
  return anchorCache.get(path);
}

// Built from pieces so that this file does not trip its own check.
const OUTSIDE = [['..', 'shared', ''].join('/'), ['shared', 'domain'].join('/')];
const BARE = new RegExp(BARE_CITATION.source);

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
        if (BARE.test(line)) offenders.push(`${path}:${index + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(
      offenders,
      [],
      'cite docs/spec.md#<heading-anchor> instead: node scripts/cite-spec.mjs does it',
    );
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

  it('node scripts/cite-spec.mjs rewrites bare citations into links to the section headings', () => {
    const sections = sectionAnchors('# t\n## 2. Configuration\n## 4. HTTP API\n## 6. Signature catalog\n');
    const bare = ['SPEC', 'section'].join(' ');
    assert.equal(citeSpec(`// keys of ${bare} 2.`, { sections }), '// keys of docs/spec.md#2-configuration.');
    assert.equal(
      citeSpec(`(${bare}s 4 and 6)`, { sections }),
      '(docs/spec.md#4-http-api, docs/spec.md#6-signature-catalog)',
    );
    assert.equal(
      citeSpec(`(SPEC §4)`, { sections, markdownSpecPath: 'spec.md' }),
      '([spec §4](spec.md#4-http-api))',
    );
    assert.equal(
      citeSpec(`${bare} 9`, { sections }),
      `${bare} 9`,
      'a section the spec lacks stays for a person to fix',
    );
  });

  it('computes anchors the way GitHub does', () => {
    const anchors = anchorsOf(
      '# A\n## 4. HTTP API\n## 7. Built-in lab\n```\n# not a heading\n```\n## 4. HTTP API\n<a id="x"></a>',
    );
    assert.deepEqual([...anchors].sort(), ['4-http-api', '4-http-api-1', '7-built-in-lab', 'a', 'x']);
  });
});
