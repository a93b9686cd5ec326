// The `prometheus` key and `targets[].evidence` (docs/spec.md#9-evidence-from-prometheus): what loads, and every mistake named by its
// key path.
import { describe, expect, it } from 'vitest';
import { loadConfigText } from './load.js';

function load(yaml: string) {
  return loadConfigText(yaml, {
    source: '/etc/hopwatch/hopwatch.yaml',
    baseDir: '/etc/hopwatch',
    env: { PROM_TOKEN: 'tok-123' },
    readFile: () => {
      throw new Error('no files here');
    },
  });
}

const PROMETHEUS = `
prometheus:
  url: http://prometheus.monitoring:9090/
  headers: { Authorization: "Bearer \${PROM_TOKEN}" }
  timeout: 2s
`;

/** One target with one leg and the given evidence lines (indented as list items under `evidence:`). */
function withEvidence(evidence: string, top = PROMETHEUS): string {
  return `${top}
targets:
  - name: t3
    segments: [last-mile, edge, t3-serve]
    legs:
      - { name: edge, url: "ws://127.0.0.1:9/ws", enters: edge }
    evidence:
${evidence}
`;
}

const IO = `      - name: devvm-io-pressure
        segment: t3-serve
        query: rate(node_pressure_io_stalled_seconds_total[1m])
        above: 0.2`;

describe('prometheus and evidence in the config', () => {
  it('loads them, with the timeout in ms and the url without its trailing slash', () => {
    const result = load(withEvidence(IO));
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.prometheus).toEqual({
      url: 'http://prometheus.monitoring:9090',
      headers: { Authorization: 'Bearer tok-123' },
      timeoutMs: 2_000,
    });
    expect(result.config.targets[0]?.evidence).toEqual([
      {
        name: 'devvm-io-pressure',
        segment: 't3-serve',
        query: 'rate(node_pressure_io_stalled_seconds_total[1m])',
        above: 0.2,
      },
    ]);
  });

  it('defaults the timeout to 5s, and a target without evidence has none', () => {
    const result = load(`
prometheus: { url: "http://127.0.0.1:9090" }
targets:
  - name: t3
    segments: [edge]
    legs: [{ name: edge, url: "ws://127.0.0.1:9/ws", enters: edge }]
`);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.prometheus?.timeoutMs).toBe(5_000);
    expect(result.config.targets[0]?.evidence).toEqual([]);
  });

  it.each<[string, string, string[]]>([
    [
      'a segment the target does not have',
      withEvidence(IO.replace('segment: t3-serve', 'segment: devvm')),
      [
        'targets[0].evidence[0].segment: "devvm" is not a segment (segments of target t3: last-mile, edge, t3-serve)',
      ],
    ],
    [
      'two series with one name',
      withEvidence(`${IO}\n${IO}`),
      [
        'targets[0].evidence[1].name: duplicate evidence name "devvm-io-pressure" (also targets[0].evidence[0])',
      ],
    ],
    [
      'evidence without a prometheus',
      withEvidence(IO, ''),
      ['targets[0].evidence: needs prometheus.url: there is no Prometheus to query these series in'],
    ],
    [
      'above that is not a number',
      withEvidence(IO.replace('above: 0.2', 'above: high')),
      ['targets[0].evidence[0].above: must be a number (got "high")'],
    ],
    [
      'a missing query',
      withEvidence(IO.replace('        query: rate(node_pressure_io_stalled_seconds_total[1m])\n', '')),
      ['targets[0].evidence[0].query: is required'],
    ],
    [
      'an unknown key in a series',
      withEvidence(`${IO}\n        below: 3`),
      ['targets[0].evidence[0].below: unknown key (expected one of name, segment, query, above)'],
    ],
    [
      'a prometheus url that is not http',
      withEvidence(IO, 'prometheus: { url: "prometheus:9090" }'),
      [
        'prometheus.url: must be an http:// or https:// URL like http://prometheus:9090 (got "prometheus:9090")',
      ],
    ],
    [
      'a prometheus url with a password is redacted in the error',
      withEvidence(IO, 'prometheus: { url: "ftp://u:hunter2@prom" }'),
      [
        'prometheus.url: must be an http:// or https:// URL like http://prometheus:9090 (got "ftp://***@prom")',
      ],
    ],
    [
      'a bad header name',
      withEvidence(IO, 'prometheus: { url: "http://prom:9090", headers: { "X Org": "1" } }'),
      ['prometheus.headers["X Org"]: is not a valid HTTP header name'],
    ],
    [
      'a zero timeout',
      withEvidence(IO, 'prometheus: { url: "http://prom:9090", timeout: 0s }'),
      ['prometheus.timeout: must be longer than 0 (got "0s")'],
    ],
  ])('%s', (_name, yaml, errors) => {
    const result = load(yaml);
    expect(result.ok ? [] : result.errors).toEqual(errors);
  });
});
