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
    ).toBe(`config OK: /etc/hopwatch/hopwatch.yaml
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
