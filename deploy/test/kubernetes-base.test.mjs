// deploy/kubernetes without kubectl or a cluster: every manifest parses and has what the API server requires,
// the pieces point at each other (selectors, ports, volumes, config path, image tag), and the example config
// is one hopwatch itself accepts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { CLI, ROOT, readText, run } from './support.mjs';

const BASE = join(ROOT, 'deploy/kubernetes');
const kustomization = parseOne(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8'), 'kustomization.yaml');
const commonLabels = Object.assign({}, ...(kustomization.labels ?? []).map((entry) => entry.pairs));
const resources = kustomization.resources.flatMap((file) => {
  assert.ok(existsSync(join(BASE, file)), `kustomization.yaml lists ${file}, which does not exist`);
  return parseAllDocuments(readFileSync(join(BASE, file), 'utf8')).map((doc) => {
    assert.equal(doc.errors.length, 0, `${file}: ${doc.errors.join('; ')}`);
    return { file, ...withCommonLabels(doc.toJS()) };
  });
});
const one = (kind) => {
  const found = resources.filter((r) => r.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind}, found ${found.length}`);
  return found[0];
};
const deployment = one('Deployment');
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const service = one('Service');
const configGenerator = kustomization.configMapGenerator.find((g) => g.name === 'hopwatch-config');

describe('deploy/kubernetes kustomize base', () => {
  it('has every resource the issue names, each with apiVersion, kind and a name', () => {
    for (const resource of resources) {
      assert.match(resource.apiVersion ?? '', /^[a-z0-9.]+(\/v[0-9a-z]+)?$/, `${resource.file} apiVersion`);
      assert.ok(resource.kind, `${resource.file} kind`);
      assert.match(resource.metadata?.name ?? '', /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, `${resource.file} name`);
      assert.equal(
        resource.metadata.labels?.['app.kubernetes.io/name'],
        'hopwatch',
        `${resource.file} labels`,
      );
    }
    const kinds = resources.map((r) => r.kind).sort();
    assert.deepEqual(kinds, [
      'Deployment',
      'PersistentVolumeClaim',
      'PrometheusRule',
      'Service',
      'ServiceMonitor',
    ]);
    assert.ok(configGenerator, 'a configMapGenerator named hopwatch-config');
    for (const file of configGenerator.files) assert.ok(existsSync(join(BASE, file)), `${file} exists`);
  });

  it('runs one hopwatch, replaced not rolled, since the legs and the SQLite file are singular', () => {
    assert.equal(deployment.spec.replicas, 1);
    assert.equal(deployment.spec.strategy.type, 'Recreate');
    assert.equal(pod.containers.length, 1);
    const selector = deployment.spec.selector.matchLabels;
    assert.ok(
      isSubset(selector, deployment.spec.template.metadata.labels),
      'selector matches the pod labels',
    );
  });

  it('probes readiness and liveness on /healthz at the container port', () => {
    const portNames = new Set(container.ports.map((p) => p.name));
    for (const probe of ['readinessProbe', 'livenessProbe']) {
      assert.equal(container[probe]?.httpGet?.path, '/healthz', `${probe} path`);
      assert.ok(portNames.has(container[probe].httpGet.port), `${probe} port names a container port`);
    }
  });

  it('starts hopwatch as the image does: config from the ConfigMap, data on the PVC, bound for the Service', () => {
    const args = container.args;
    const flag = (name) => args[args.indexOf(name) + 1];
    assert.equal(flag('--host'), '0.0.0.0');
    const mountOf = (volumeName) => container.volumeMounts.find((m) => m.name === volumeName);
    const volume = (predicate) => pod.volumes.find(predicate);

    const configVolume = volume((v) => v.configMap?.name === configGenerator.name);
    assert.ok(configVolume, 'a volume from the generated ConfigMap');
    const configFile = `${mountOf(configVolume.name).mountPath}/${configGenerator.files[0]}`;
    assert.equal(flag('--config'), configFile);
    assert.equal(configFile, '/config/hopwatch.yaml', 'the path the Dockerfile uses');

    const pvc = one('PersistentVolumeClaim');
    const dataVolume = volume((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name);
    assert.ok(dataVolume, 'a volume from the PVC');
    assert.equal(flag('--data'), mountOf(dataVolume.name).mountPath);
    assert.ok(pvc.spec.resources.requests.storage, 'the PVC requests a size');
  });

  it('runs unprivileged, as the image user, with a read-only root', () => {
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.runAsUser, 1000, "the node image's `node` user, which owns /data");
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  });

  it('requests CPU and memory, with no CPU limit to throttle the prober into false stalls', () => {
    assert.ok(container.resources.requests.cpu && container.resources.requests.memory);
    assert.ok(container.resources.limits.memory);
    assert.equal(container.resources.limits.cpu, undefined);
  });

  it('uses the image tag of this version of hopwatch', () => {
    const { version } = JSON.parse(readText('apps/server/package.json'));
    const image = kustomization.images.find((i) => i.name === container.image);
    assert.ok(image, `kustomization images sets ${container.image}`);
    assert.equal(image.newTag, version);
  });

  it('exposes the container port through the Service, and the ServiceMonitor scrapes its /metrics', () => {
    assert.ok(isSubset(service.spec.selector, deployment.spec.template.metadata.labels), 'Service selector');
    const port = service.spec.ports.find((p) => p.name === 'http');
    assert.ok(
      container.ports.some((p) => p.name === port.targetPort),
      'Service targetPort names a container port',
    );
    const monitor = one('ServiceMonitor');
    assert.ok(
      isSubset(monitor.spec.selector.matchLabels, service.metadata.labels),
      'ServiceMonitor selector',
    );
    const endpoint = monitor.spec.endpoints[0];
    assert.equal(endpoint.port, port.name);
    assert.equal(endpoint.path, '/metrics');
  });

  it("ships an example config in SPEC's format with seed 003's three legs, matching the pod", () => {
    const config = parseOne(readFileSync(join(BASE, 'hopwatch.yaml'), 'utf8'), 'hopwatch.yaml');
    assert.equal(config.server.port, container.ports.find((p) => p.name === 'http').containerPort);
    assert.equal(config.server.host, '0.0.0.0');
    assert.match(config.storage.sqlite, /^\/data\//);
    const [target] = config.targets;
    assert.deepEqual(target.segments, [
      'last-mile',
      'cloudflare',
      'tunnel',
      'traefik',
      'dispatch',
      't3-serve',
    ]);
    assert.deepEqual(
      target.legs.map((leg) => [leg.name, leg.enters]),
      [
        ['cloudflare', 'cloudflare'],
        ['internal', 'traefik'],
        ['t3serve', 't3-serve'],
      ],
    );
  });

  it('has an example config that hopwatch check-config accepts', () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first`);
    const result = run(process.execPath, [CLI, 'check-config', join(BASE, 'hopwatch.yaml')]);
    assert.equal(result.status, 0, `check-config failed:\n${result.stdout}${result.stderr}`);
    for (const leg of ['cloudflare', 'internal', 't3serve']) assert.match(result.stdout, new RegExp(leg));
  });
});

function parseOne(text, file) {
  const docs = parseAllDocuments(text);
  assert.equal(docs.length, 1, `${file}: one document`);
  assert.equal(docs[0].errors.length, 0, `${file}: ${docs[0].errors.join('; ')}`);
  return docs[0].toJS();
}

/** What kustomize's `labels` does to metadata (selectors and templates are already spelled out in the files). */
function withCommonLabels(resource) {
  resource.metadata = { ...resource.metadata, labels: { ...commonLabels, ...resource.metadata?.labels } };
  return resource;
}

function isSubset(small, big) {
  return Object.entries(small ?? {}).every(([key, value]) => big?.[key] === value);
}
