// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${ENV_NAME} is config syntax under test, not a template
// deploy/overlays/vantages without kubectl or a cluster: two vantages (home, vps) of one PostgreSQL store, each
// the kustomize base renamed and labelled apart, the store's URL from a Secret and no SQLite volume, and
// configs that hopwatch accepts and that agree where instances sharing a store must (docs/vantages.md).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { CLI, ROOT, run } from './support.mjs';

const OVERLAY = join(ROOT, 'deploy/overlays/vantages');
const VANTAGES = ['home', 'vps'];
const read = (path) => parse(readFileSync(join(OVERLAY, path), 'utf8'));
const URL_FOR_CHECK = 'postgres://hopwatch:s3cret-for-the-test@db.example.internal:5432/hopwatch';

describe('deploy/overlays/vantages', () => {
  it('puts both vantages and the Secret holding the PostgreSQL URL together', () => {
    const top = read('kustomization.yaml');
    assert.deepEqual([...top.resources].sort(), ['home', 'postgres-secret.yaml', 'vps']);
    const secret = read('postgres-secret.yaml');
    assert.equal(secret.kind, 'Secret');
    assert.match(secret.stringData.url, /^postgres:\/\//);
  });

  it('renames and labels each vantage apart, on the base, with the shared-store component', () => {
    for (const vantage of VANTAGES) {
      const k = read(`${vantage}/kustomization.yaml`);
      assert.deepEqual(k.resources, ['../../../kubernetes']);
      assert.ok(
        existsSync(join(OVERLAY, vantage, k.resources[0], 'kustomization.yaml')),
        'the base is there',
      );
      assert.equal(k.nameSuffix, `-${vantage}`);
      const label = k.labels.find((l) => l.pairs['hopwatch.dev/vantage'] === vantage);
      assert.ok(label?.includeSelectors, `${vantage}: its pods and Service select only its own pod`);
      const config = k.configMapGenerator.find((g) => g.name === 'hopwatch-config');
      assert.equal(config.behavior, 'replace');
      assert.deepEqual(config.files, ['hopwatch.yaml']);
      assert.deepEqual(k.components, ['../postgres']);
    }
  });

  it('takes the URL from the Secret and drops the SQLite volume', () => {
    const component = read('postgres/kustomization.yaml');
    assert.equal(component.kind, 'Component');
    const [deployment] = parseAllDocuments(
      readFileSync(join(OVERLAY, 'postgres/deployment-postgres.yaml'), 'utf8'),
    ).map((d) => d.toJS());
    const container = deployment.spec.template.spec.containers[0];
    assert.ok(!container.args.includes('--data'), 'no --data: nothing is stored in the pod');
    const env = container.env.find((e) => e.name === 'HOPWATCH_POSTGRES_URL');
    const secret = read('postgres-secret.yaml');
    assert.equal(env.valueFrom.secretKeyRef.name, secret.metadata.name);
    assert.ok(Object.hasOwn(secret.stringData, env.valueFrom.secretKeyRef.key));
    assert.deepEqual(container.volumeMounts, [{ name: 'data', $patch: 'delete' }]);
    assert.deepEqual(deployment.spec.template.spec.volumes, [{ name: 'data', $patch: 'delete' }]);
    const pvc = read('postgres/pvc-delete.yaml');
    assert.equal(pvc.$patch, 'delete');
    assert.equal(pvc.kind, 'PersistentVolumeClaim');
  });

  it('has configs hopwatch accepts, that agree on shared targets, with a cloudflare leg at each vantage', () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first`);
    const configs = VANTAGES.map((vantage) => {
      const path = join(OVERLAY, vantage, 'hopwatch.yaml');
      const result = run(process.execPath, [CLI, 'check-config', path], {
        env: { PATH: process.env.PATH, HOPWATCH_POSTGRES_URL: URL_FOR_CHECK },
      });
      assert.equal(result.status, 0, `${vantage}: check-config failed:\n${result.stdout}${result.stderr}`);
      assert.match(result.stdout, new RegExp(`vantage: ${vantage}`));
      assert.ok(!result.stdout.includes('s3cret-for-the-test'), `${vantage}: the password is never printed`);
      const config = parse(readFileSync(path, 'utf8'));
      assert.equal(config.vantage, vantage);
      assert.equal(config.storage.postgres, '${HOPWATCH_POSTGRES_URL}');
      return config;
    });
    const [home, vps] = configs;
    for (const target of vps.targets) {
      const shared = home.targets.find((t) => t.name === target.name);
      if (shared)
        assert.deepEqual(target.segments, shared.segments, `target ${target.name}: the same segments`);
      const names = [...(shared?.legs ?? []), ...target.legs].map((l) => l.name);
      assert.equal(
        new Set(names).size,
        names.length,
        `target ${target.name}: leg names unique across vantages`,
      );
    }
    for (const config of configs) {
      const cloudflare = config.targets.flatMap((t) => t.legs).filter((l) => l.enters === 'cloudflare');
      assert.equal(cloudflare.length, 1, `${config.vantage}: a leg through Cloudflare (seed 003)`);
    }
  });
});
