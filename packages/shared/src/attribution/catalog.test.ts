import { describe, expect, it } from 'vitest';
import { CULPRIT_CATALOG, culpritsOfKind, describeCulprit, nearlyEqual } from './catalog.js';

const named = (ageMs: number, kinds: Parameters<typeof culpritsOfKind>[0]) =>
  culpritsOfKind(kinds, ageMs).map((e) => `${e.component} ${e.knob}`);

describe('the culprit catalog', () => {
  it('gives every entry a knob, a default and a symptom, and ages in ms', () => {
    for (const entry of CULPRIT_CATALOG) {
      expect(entry.knob.length, entry.component).toBeGreaterThan(0);
      expect(entry.defaultText.length, entry.component).toBeGreaterThan(0);
      expect(entry.symptom.length, entry.component).toBeGreaterThan(0);
      for (const ms of entry.defaultsMs) expect(ms, entry.component).toBeGreaterThanOrEqual(1_000);
    }
  });

  it('marks what drop-signatures.md calls unverified', () => {
    expect(CULPRIT_CATALOG.filter((e) => !e.verified).map((e) => `${e.component} ${e.knob}`)).toEqual([
      'Traefik respondingTimeouts.idleTimeout',
      'Cloudflare proxy Proxy Read Timeout',
      'Cloudflare proxy Proxy Read Timeout (reported as a fixed WebSocket lifetime)',
    ]);
  });

  // drop-signatures.md: "Ambiguous durations ... Name every culprit whose default matches."
  it.each<[string, number, string[]]>([
    [
      '60s',
      60_000,
      [
        'nginx proxy_read_timeout',
        'nginx proxy_send_timeout',
        'ingress-nginx proxy-read-timeout / proxy-send-timeout',
        'AWS ALB idle_timeout.timeout_seconds',
        'Phoenix server timeout',
      ],
    ],
    [
      '300s',
      300_000,
      ['Envoy stream_idle_timeout (route idle_timeout overrides)', 'Azure Front Door idle timeout (fixed)'],
    ],
    ['350s', 350_000, ['AWS NLB tcp.idle_timeout.seconds', 'AWS NAT Gateway idle timeout (fixed)']],
    ['900s', 900_000, ['kube-proxy IPVS --ipvs-tcp-timeout']],
    ['100s', 100_000, ['Cloudflare proxy Proxy Read Timeout']],
    [
      '57s is within 5% of 60s and of 55s',
      57_000,
      [
        'nginx proxy_read_timeout',
        'nginx proxy_send_timeout',
        'ingress-nginx proxy-read-timeout / proxy-send-timeout',
        'AWS ALB idle_timeout.timeout_seconds',
        'Heroku router idle timeout (fixed, rolling)',
        'Phoenix server timeout',
      ],
    ],
    ['47s matches nothing', 47_000, []],
  ])('idle culprits at %s', (_name, ageMs, culprits) => {
    expect(named(ageMs, ['idle'])).toEqual(culprits);
  });

  it.each<[string, number, string[]]>([
    ['30s: GCP is a lifetime, not idle', 30_000, ['GCP external HTTP(S) LB backend timeoutSec']],
    ['4h', 14_400_000, ['Azure Front Door maximum connection lifetime (fixed)']],
    ['24h: the cloudflared autoupdate', 86_400_000, ['cloudflared --autoupdate-freq / --grace-period']],
    [
      '100s: the cut users report from Cloudflare whatever the traffic (the lab cap)',
      100_000,
      ['Cloudflare proxy Proxy Read Timeout (reported as a fixed WebSocket lifetime)'],
    ],
  ])('lifetime and restart culprits at %s', (_name, ageMs, culprits) => {
    expect(named(ageMs, ['lifetime', 'restart'])).toEqual(culprits);
  });
});

describe('nearlyEqual', () => {
  it.each<[number, number, boolean]>([
    [100_000, 105_000, true],
    [100_000, 105_300, false],
    [60_000, 57_000, true],
    [60_000, 56_900, false],
    [0, 0, true],
  ])('%d ~ %d: %s', (a, b, equal) => {
    expect(nearlyEqual(a, b)).toBe(equal);
    expect(nearlyEqual(b, a)).toBe(equal);
  });
});

describe('describeCulprit', () => {
  it('shows unverified culprits as possible', () => {
    expect(
      describeCulprit({ component: 'nginx', knob: 'proxy_read_timeout', defaultText: '60s', verified: true }),
    ).toBe('nginx proxy_read_timeout (60s)');
    expect(
      describeCulprit({
        component: 'Traefik',
        knob: 'respondingTimeouts.idleTimeout',
        defaultText: '180s',
        verified: false,
      }),
    ).toBe('possibly Traefik respondingTimeouts.idleTimeout (180s)');
  });
});
