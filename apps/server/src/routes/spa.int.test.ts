// The built dashboard as the server sends it: compressed copies made at build time chosen by Accept-Encoding,
// a year of immutable caching for Vite's hashed files and revalidation for index.html, no source maps, and
// recharts kept out of what the first screen loads. Runs over apps/web/dist (turbo builds it before the tests).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveWebRoot } from './spa.js';
import { buildTestApp, type TestApp } from './test-support/test-app.js';

/** A string recharts' code carries whatever the minifier does (its wrapper's class name). */
const RECHARTS_MARK = 'recharts-wrapper';
const IMMUTABLE = 'public, max-age=31536000, immutable';

function builtWebRoot(): string {
  const root = resolveWebRoot();
  if (root === null) throw new Error('apps/web/dist is not built: run npm run build');
  return root;
}

/** The module script index.html starts, e.g. /assets/index-BYKkpvvZ.js. */
function entryScript(indexHtml: string): string {
  const match = /<script type="module"[^>]*src="(\/assets\/[^"]+\.js)"/.exec(indexHtml);
  if (!match?.[1]) throw new Error(`no module script in index.html:\n${indexHtml}`);
  return match[1];
}

/** The chunks a chunk imports with import("./x.js"). */
function dynamicImports(code: string): string[] {
  return [...code.matchAll(/import\(\s*[`"']\.\/([\w.-]+\.js)[`"']\s*\)/g)].map((m) => m[1] as string);
}

/** The chunks a chunk imports statically (`import … from"./x.js"`, `import"./x.js"`), not import("./x.js"). */
function staticImports(code: string): string[] {
  return [...code.matchAll(/(?:from|import)\s*["']\.\/([^"']+\.js)["']/g)].map((m) => m[1] as string);
}

describe('the built dashboard', () => {
  let t: TestApp;
  let root: string;
  let entry: string;

  beforeAll(async () => {
    root = builtWebRoot();
    entry = entryScript(readFileSync(join(root, 'index.html'), 'utf8'));
    t = await buildTestApp({ app: { webRoot: root } });
  });
  afterAll(() => t.close());

  it.each([
    ['br', brotliDecompressSync],
    ['gzip', gunzipSync],
  ] as const)(
    'sends the entry script %s-encoded to a client that accepts it, immutable',
    async (encoding, decode) => {
      const response = await t.app.inject({ url: entry, headers: { 'accept-encoding': `${encoding}` } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(response.headers['content-type']).toContain('javascript');
      expect(response.headers['cache-control']).toBe(IMMUTABLE);
      expect(response.headers.vary).toContain('accept-encoding');
      const raw = readFileSync(join(root, entry));
      expect(response.rawPayload.byteLength).toBeLessThan(raw.byteLength / 2);
      expect(decode(response.rawPayload).equals(raw)).toBe(true);
    },
  );

  it('prefers brotli when both are accepted, and sends plain bytes to a client that accepts neither', async () => {
    const both = await t.app.inject({ url: entry, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(both.headers['content-encoding']).toBe('br');
    const plain = await t.app.inject({ url: entry, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(readFileSync(join(root, entry)))).toBe(true);
  });

  it('has index.html revalidated, at / and at client-side routes', async () => {
    for (const url of ['/', '/incidents', '/wall']) {
      const response = await t.app.inject({ url, headers: { 'accept-encoding': 'br, gzip' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toContain('text/html');
      expect(response.headers['cache-control'], url).toBe('no-cache');
      expect(response.body, url).toContain(entry);
    }
  });

  it('ships no source maps, and serves none', async () => {
    const assets = readdirSync(join(root, 'assets'));
    expect(assets.filter((name) => name.endsWith('.map'))).toEqual([]);
    const response = await t.app.inject({ url: `${entry}.map` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found' });
  });

  it('keeps recharts out of everything the first screen loads: it comes in a lazily imported chunk', () => {
    const assets = join(root, 'assets');
    const seen = new Set<string>();
    const pending = [entry.slice('/assets/'.length)];
    while (pending.length > 0) {
      const name = pending.pop() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      const code = readFileSync(join(assets, name), 'utf8');
      expect(code.includes(RECHARTS_MARK), `${name} is loaded by the first screen and holds recharts`).toBe(
        false,
      );
      pending.push(...staticImports(code));
    }
    const html = readFileSync(join(root, 'index.html'), 'utf8');
    // What the first screen imports lazily (and what those import), not every file in the folder: a dist/
    // that turbo restored from its cache over an older build still holds that build's chunks.
    const lazy = new Set<string>();
    const later = [...seen].flatMap((name) => dynamicImports(readFileSync(join(assets, name), 'utf8')));
    while (later.length > 0) {
      const name = later.pop() as string;
      if (lazy.has(name) || seen.has(name)) continue;
      lazy.add(name);
      later.push(...staticImports(readFileSync(join(assets, name), 'utf8')));
    }
    const charts = [...lazy].filter((name) =>
      readFileSync(join(assets, name), 'utf8').includes(RECHARTS_MARK),
    );
    expect(charts.length).toBe(1);
    expect(html).not.toContain(charts[0]);
    const entryCode = readFileSync(join(assets, entry.slice('/assets/'.length)), 'utf8');
    // The entry names it only in a dynamic import(), run when the first RTT chart renders.
    const dynamic = new RegExp(`import\\(\\s*[\`"']\\./${(charts[0] as string).replace(/[.]/g, '\\.')}`);
    expect(dynamic.test(entryCode)).toBe(true);
  });
});

describe('a source map in the web root', () => {
  it('is not served even if one is there', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hopwatch-web-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>hopwatch</title>');
    writeFileSync(join(root, 'app-AbCdEf12.js.map'), '{"version":3,"sources":["secret.ts"]}');
    writeFileSync(join(root, 'app-AbCdEf12.js'), 'console.log(1)');
    const t = await buildTestApp({ app: { webRoot: root } });
    try {
      expect((await t.app.inject({ url: '/app-AbCdEf12.js' })).statusCode).toBe(200);
      const map = await t.app.inject({ url: '/app-AbCdEf12.js.map' });
      expect(map.statusCode).toBe(404);
      expect(map.body).not.toContain('secret.ts');
    } finally {
      await t.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
