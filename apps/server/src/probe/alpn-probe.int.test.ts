// wss legs against a TLS server with a certificate generated at test time, preferring h2 in ALPN (seed 001).
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AlpnChecks } from './alpn-probe.js';
import { probeSuite } from './test-support/harness.js';
import { type Certificate, generateCertificate, h2PreferringServer } from './test-support/servers.js';

const { servers, probe } = probeSuite();
let checks: AlpnChecks | null = null;
let certificate: Certificate;

beforeAll(() => {
  certificate = generateCertificate();
});

afterEach(() => {
  checks?.close();
  checks = null;
});

const trusted = () => ({ insecure: false, ca: certificate.cert, servername: null });

describe('a wss leg', () => {
  it('records TLS timing and negotiates http/1.1 with a server that prefers h2; later sessions carry the ALPN check', async () => {
    // sessions cut every 150 ms, so the leg keeps opening new ones
    const server = servers.add(
      await h2PreferringServer({
        certificate,
        extendedConnect: true,
        onConnection: (ws) => setTimeout(() => ws.close(1012, 'restart'), 150),
      }),
    );
    const h = probe({ url: server.url, tls: trusted() });
    const first = await h.waitFor('session_open');
    expect(first.handshake).toMatchObject({ alpn: 'http/1.1', remoteAddress: '127.0.0.1', dnsMs: null });
    expect(first.handshake.tlsMs).toBeGreaterThan(0);
    expect(first.handshake.upgradeMs).toBeGreaterThanOrEqual(0);
    // the check runs beside the first session; once it has finished, the sessions that follow carry it
    const later = await h.waitFor('session_open', (e) => e.handshake.alpnProbe != null);
    expect(later.handshake.alpnProbe).toMatchObject({ selected: 'h2', extendedConnect: true, error: null });
    expect(later.handshake.alpn).toBe('http/1.1');
  });

  it('reproduces seed 001: an upgrade answered 400 by a server that picks h2 without extended CONNECT', async () => {
    const server = servers.add(
      await h2PreferringServer({ certificate, extendedConnect: false, rejectUpgrade: 400 }),
    );
    const h = probe({ url: server.url, tls: trusted(), reconnect: { initialMs: 100, maxMs: 200 } });
    const rejected = await h.waitFor('session_close', (e) => e.session.handshake.alpnProbe != null);
    expect(rejected.session).toMatchObject({ cause: 'handshake_rejected', httpStatus: 400 });
    expect(rejected.session.handshake.alpn).toBe('http/1.1');
    expect(rejected.session.handshake.alpnProbe).toMatchObject({ selected: 'h2', extendedConnect: false });
  });

  it('fails to connect with the TLS error when the certificate is not trusted, and connects when insecure', async () => {
    const server = servers.add(await h2PreferringServer({ certificate, extendedConnect: true }));
    const h = probe([
      { name: 'strict', url: server.url },
      { name: 'insecure', url: server.url, tls: { insecure: true, ca: null, servername: null } },
    ]);
    const failed = await h.waitFor('session_close', (e) => e.leg === 'strict');
    expect(failed.session.cause).toBe('connect_failed');
    expect(failed.session.error).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect(failed.session.handshake.tcpMs).toBeGreaterThanOrEqual(0);
    expect(failed.session.handshake.tlsMs).toBeNull();
    await h.waitFor('session_open', (e) => e.leg === 'insecure');
  });

  it('sends tls.servername as SNI', async () => {
    const server = servers.add(await h2PreferringServer({ certificate, extendedConnect: true }));
    const h = probe({ url: server.url, tls: { ...trusted(), servername: 'localhost' } });
    await h.waitFor('session_open');
    const socket = server.requests[0]!.socket as import('node:tls').TLSSocket;
    expect(socket.servername).toBe('localhost');
  });
});

describe('AlpnChecks', () => {
  it('reports h2 and whether SETTINGS_ENABLE_CONNECT_PROTOCOL is advertised, and caches per endpoint', async () => {
    const withConnect = servers.add(await h2PreferringServer({ certificate, extendedConnect: true }));
    const without = servers.add(await h2PreferringServer({ certificate, extendedConnect: false }));
    checks = new AlpnChecks({ intervalMs: 60_000 });
    const endpoint = (port: number) => ({
      host: '127.0.0.1',
      port,
      servername: null,
      ca: certificate.cert,
      insecure: false,
    });
    expect(checks.latest(endpoint(withConnect.port))).toBeNull();
    expect(checks.latest(endpoint(without.port))).toBeNull();
    await expect
      .poll(() => checks!.latest(endpoint(withConnect.port)))
      .toMatchObject({
        selected: 'h2',
        extendedConnect: true,
        error: null,
      });
    await expect
      .poll(() => checks!.latest(endpoint(without.port)))
      .toMatchObject({
        selected: 'h2',
        extendedConnect: false,
      });
    const first = checks.latest(endpoint(withConnect.port));
    // not due again for a minute: the same result, no new connection
    expect(checks.latest(endpoint(withConnect.port))).toBe(first);
  });

  it('reports http/1.1 from a server that does not speak h2, and the TLS error from an untrusted one', async () => {
    const server = https.createServer({
      key: certificate.key,
      cert: certificate.cert,
      ALPNProtocols: ['http/1.1'],
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.add({ port: 0, url: '', close: () => new Promise((resolve) => server.close(() => resolve())) });
    const port = (server.address() as AddressInfo).port;
    checks = new AlpnChecks();
    const http1 = { host: '127.0.0.1', port, servername: null, ca: certificate.cert, insecure: false };
    checks.latest(http1);
    await expect
      .poll(() => checks!.latest(http1))
      .toMatchObject({ selected: 'http/1.1', extendedConnect: null });

    const untrusted = { ...http1, ca: null, servername: 'localhost' };
    checks.latest(untrusted);
    await expect.poll(() => checks!.latest(untrusted)?.error ?? null).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });
});
