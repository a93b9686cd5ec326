import { describe, expect, it } from 'vitest';
import { formatCheckReport } from './check.js';
import { loadConfigText } from './load.js';

function report(yaml: string): string {
  const result = loadConfigText(yaml, {
    source: '/etc/hopwatch/hopwatch.yaml',
    baseDir: '/etc/hopwatch',
    env: { T3_TOKEN: 'tok-123' },
    readFile: () => {
      throw new Error('no files here');
    },
  });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return formatCheckReport(result.config, result.warnings);
}

describe('formatCheckReport', () => {
  it('prints each leg with the segments it covers, and what the coverage cannot tell apart', () => {
    const text = report(`
server: { authToken: "\${T3_TOKEN}" }
targets:
  - name: t3
    segments: [last-mile, waf, cloudflare, tunnel, traefik, dispatch, t3-serve]
    correlationWindow: 25s
    legs:
      - name: cloudflare
        url: wss://ops:pw@t3.example.com/ws?token=\${T3_TOKEN}
        enters: cloudflare
        heartbeat: { mode: message, send: 'ping {{seq}}', expect: '{{seq}}' }
      - name: internal
        url: ws://10.0.20.203/ws
        headers: { Host: t3.example.com, Authorization: "Bearer \${T3_TOKEN}" }
        covers: [traefik, dispatch, t3-serve]
        open: [{ send: hello, expect: welcome }]
      - name: t3serve
        url: ws://devvm:3773/ws
        covers: [t3-serve]
`);
    expect(text).toBe(`config OK: /etc/hopwatch/hopwatch.yaml
server: 127.0.0.1:8080, authToken set, allowedOrigins: none
storage: ./data/hopwatch.db, retention 30d
lab: off

target t3 (correlation window 25s)
  segments: last-mile, waf, cloudflare, tunnel, traefik, dispatch, t3-serve
  leg cloudflare: wss://***@t3.example.com/ws?token=***
    covers: cloudflare, tunnel, traefik, dispatch, t3-serve, cloudflare:entry (enters cloudflare)
    heartbeat: message every 10s, timeout 20s
  leg internal: ws://10.0.20.203/ws
    covers: traefik, dispatch, t3-serve, internal:entry (covers)
    heartbeat: ping every 10s, timeout 20s
    headers: Host: t3.example.com, Authorization: ***
    open: 1 step
  leg t3serve: ws://devvm:3773/ws
    covers: t3-serve, t3serve:entry (covers)
    heartbeat: ping every 10s, timeout 20s
  note: cloudflare, tunnel are crossed by the same legs (cloudflare): a verdict names them together
  note: traefik, dispatch are crossed by the same legs (cloudflare, internal): a verdict names them together
  note: no leg crosses waf: a drop there cannot be attributed
`);
    expect(text).not.toContain('tok-123');
  });

  it('describes the lab schedule and lists warnings', () => {
    expect(
      report('server: { host: 0.0.0.0 }\nlab: { schedule: [] }'),
    ).toBe(`config valid, with 1 warning (below): /etc/hopwatch/hopwatch.yaml
server: 0.0.0.0:8080, authToken not set, allowedOrigins: none
storage: ./data/hopwatch.db, retention 30d
lab: on, scheduled faults off

warnings:
  server.host: 0.0.0.0 is reachable from other machines and server.authToken is empty: anyone who can reach it can read the dashboard
`);
    expect(report('')).toContain('lab: on, default fault schedule\n');
  });
});

describe('formatCheckReport with evidence', () => {
  it('lists Prometheus with its headers redacted, and each evidence series with its segment', () => {
    const text = report(`
prometheus:
  url: https://prom:secret@prometheus.monitoring:9090/
  headers: { Authorization: "Bearer \${T3_TOKEN}" }
  timeout: 3s
targets:
  - name: t3
    segments: [last-mile, traefik, t3-serve]
    legs:
      - { name: internal, url: ws://10.0.20.203/ws, enters: traefik }
    evidence:
      - name: devvm-io-pressure
        segment: t3-serve
        query: rate(node_pressure_io_stalled_seconds_total{instance="devvm"}[1m])
        above: 0.2
`);
    expect(text).toContain(
      'prometheus: https://***@prometheus.monitoring:9090, timeout 3s, headers: Authorization: ***\n',
    );
    expect(text).toContain(
      '  evidence devvm-io-pressure on t3-serve: above 0.2 in ' +
        'rate(node_pressure_io_stalled_seconds_total{instance="devvm"}[1m])\n',
    );
    expect(text).not.toContain('tok-123');
    expect(text).not.toContain('secret');
  });
});

describe('check-config on hostile configs', () => {
  const load = (yaml: string) =>
    loadConfigText(yaml, { source: 'x.yaml', baseDir: '.', env: {}, readFile: () => '' });

  it.each([
    ['a non-printable host', '"\\xff\\xfe"'],
    ['a 10 MB host', 'a'.repeat(10_000_000)],
    ['a host with a space', '"bad host"'],
  ])('rejects %s, quoting it short and printable', (_name, host) => {
    const result = load(`server: { host: ${host} }`);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^server\.host: must be an IP address or a host name the server can bind/);
    expect(errors[0]?.length).toBeLessThan(200);
    expect(errors[0]).toMatch(/^[\x20-\x7e]*$/);
  });

  it('accepts the hosts a server binds', () => {
    for (const host of ['127.0.0.1', '0.0.0.0', '"::"', '"::1"', 'localhost', 'hopwatch.internal']) {
      expect(load(`server: { host: ${host} }`).ok, host).toBe(true);
    }
  });

  it('does not call a ws:// leg with tls settings OK: it says there is a warning to read', () => {
    const text = report(`
targets:
  - name: t
    segments: [last-mile, a]
    legs:
      - { name: l, url: "ws://x/ws", enters: a, tls: { insecure: true } }
`);
    expect(text).not.toContain('config OK');
    expect(text).toMatch(/^config valid, with 1 warning \(below\)/);
    expect(text).toContain('tls: ignored, since the url is ws://');
  });

  it('checks 40,000 segments in linear time, and 40,000 errors too', () => {
    const segments = Array.from({ length: 40_000 }, (_, i) => `s${i}`);
    const good = report(`
targets:
  - name: t
    segments: [last-mile, ${segments.join(', ')}]
    legs:
      - { name: l, url: "ws://x/ws", enters: s0 }
      - { name: m, url: "ws://x/ws", covers: [${segments.join(', ')}] }
`);
    expect(good).toContain('config OK');
    const bad = load(`
targets:
  - name: t
    segments: [last-mile, ${segments.join(', ')}]
    legs:
      - { name: m, url: "ws://x/ws", covers: [${segments.map((s) => `x${s}`).join(', ')}] }
`);
    expect(bad.ok ? [] : bad.errors).toHaveLength(40_000);
    // Each error names a few segments, not all 40,000 (which made the output itself quadratic).
    expect((bad.ok ? '' : (bad.errors[0] ?? '')).length).toBeLessThan(300);
  }, 60_000);
});

describe('check-config quotes segment names short', () => {
  it('never echoes a huge enters or covers value whole', () => {
    const huge = 's'.repeat(1_000_000);
    const result = loadConfigText(
      `targets:\n  - name: t\n    segments: [last-mile, a]\n    legs:\n      - { name: l, url: "ws://x/ws", enters: ${huge} }\n      - { name: m, url: "ws://x/ws", covers: [${huge}] }\n`,
      { source: 'x.yaml', baseDir: '.', env: {}, readFile: () => '' },
    );
    expect(result.ok).toBe(false);
    for (const error of result.ok ? [] : result.errors) expect(error.length).toBeLessThan(300);
  });
});
