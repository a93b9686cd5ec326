import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_URL, configJsonSchema } from './json-schema.js';
import { configSchema } from './schema.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SCHEMA_FILE = join(ROOT, 'docs/hopwatch.schema.json');
const MODELINE = '# yaml-language-server: $schema=';
const CONFIG_KEYS = new Set(Object.keys(configSchema.shape));

/** A YAML text is a hopwatch config when every top-level key it sets is a config key. */
function isConfig(yaml: string): boolean {
  const keys = [...yaml.matchAll(/^([A-Za-z_][\w-]*):/gm)].map((m) => m[1] as string);
  return keys.length > 0 && keys.every((key) => CONFIG_KEYS.has(key));
}

/** The ```yaml blocks of the README and docs/ that are configs, as [where, text]. */
function documentedConfigs(): [string, string][] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`)].filter((f) =>
    f.endsWith('.md'),
  );
  return files.flatMap((file) =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1] as string)
      .filter(isConfig)
      .map((text, index): [string, string] => [`${file} block ${index + 1}`, text]),
  );
}

describe('docs/hopwatch.schema.json', () => {
  it('is what the config schema generates now (after changing config/schema.ts, run npm run schema)', () => {
    const checkedIn = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    expect(checkedIn).toEqual(configJsonSchema());
  });

  it('describes the file as written: every section, strict mappings, durations as text', () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { additionalProperties?: unknown; properties?: Record<string, unknown> }>;
      additionalProperties: unknown;
    };
    expect(Object.keys(schema.properties).sort()).toEqual([...CONFIG_KEYS].sort());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.storage?.properties?.retention).toMatchObject({
      type: 'string',
      description: expect.stringContaining('30d'),
    });
  });
});

describe('example configs', () => {
  it('the kustomize base config points its editor at the schema in this repository', () => {
    const file = join(ROOT, 'deploy/kubernetes/hopwatch.yaml');
    const [first] = readFileSync(file, 'utf8').split('\n');
    expect(first?.startsWith(MODELINE)).toBe(true);
    expect(resolve(dirname(file), (first ?? '').slice(MODELINE.length))).toBe(SCHEMA_FILE);
  });

  it.each(documentedConfigs())('%s starts with the schema line', (_where, text) => {
    expect(text.split('\n')[0]).toBe(`${MODELINE}${CONFIG_SCHEMA_URL}`);
  });

  it('finds the documented configs (README, spec, choosing legs, Kubernetes, evidence, vantages)', () => {
    const where = documentedConfigs().map(([w]) => w.split(' ')[0]);
    expect(new Set(where)).toEqual(
      new Set([
        'README.md',
        'docs/spec.md',
        'docs/choosing-legs.md',
        'docs/running-in-kubernetes.md',
        'docs/evidence.md',
        'docs/vantages.md',
      ]),
    );
  });
});
