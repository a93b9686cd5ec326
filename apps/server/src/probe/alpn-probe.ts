// The h2/ALPN check of a wss leg's endpoint (seed 001): offer `h2, http/1.1` as a browser does, record what the
// server picks, and when it picks h2, whether its SETTINGS advertise RFC 8441 extended CONNECT. A server that
// picks h2 without it cannot carry a WebSocket over that connection: the `h2-upgrade` signature's evidence.
// Checked at most every few minutes per endpoint, beside the leg's own connections (which offer http/1.1 only).
import http2 from 'node:http2';
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { AlpnProbe } from '@hopwatch/shared/protocol';
import { describeError } from './session-end.js';

export interface AlpnEndpoint {
  host: string;
  port: number;
  servername: string | null;
  ca: string | null;
  insecure: boolean;
}

export interface AlpnChecksOptions {
  /** how often one endpoint is checked again */
  intervalMs?: number;
  /** how long one check may take */
  timeoutMs?: number;
}

const DEFAULT_INTERVAL_MS = 5 * 60_000;
const DEFAULT_TIMEOUT_MS = 10_000;

interface EndpointState {
  latest: AlpnProbe | null;
  checking: boolean;
  dueAt: number;
}

/** Cached checks, one per endpoint however many legs share it. */
export class AlpnChecks {
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #endpoints = new Map<string, EndpointState>();
  readonly #inFlight = new Set<() => void>();
  #closed = false;

  constructor(options: AlpnChecksOptions = {}) {
    this.#intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The latest finished check of the endpoint (null before the first), starting a new one when due. */
  latest(endpoint: AlpnEndpoint): AlpnProbe | null {
    const key = endpointKey(endpoint);
    let state = this.#endpoints.get(key);
    if (!state) {
      state = { latest: null, checking: false, dueAt: 0 };
      this.#endpoints.set(key, state);
    }
    const now = Date.now();
    if (!this.#closed && !state.checking && now >= state.dueAt) {
      const checked = state;
      checked.checking = true;
      checked.dueAt = now + this.#intervalMs;
      this.#check(endpoint).then((result) => {
        checked.checking = false;
        if (result) checked.latest = result;
      });
    }
    return state.latest;
  }

  /** Aborts checks in flight; later calls to latest() start none. */
  close(): void {
    this.#closed = true;
    for (const abort of this.#inFlight) abort();
    this.#inFlight.clear();
  }

  #check(endpoint: AlpnEndpoint): Promise<AlpnProbe | null> {
    return new Promise((resolve) => {
      const checkedAt = Date.now();
      let selected: string | null = null;
      let session: http2.ClientHttp2Session | null = null;
      let done = false;
      const socket = tls.connect({
        host: endpoint.host,
        port: endpoint.port,
        servername: endpoint.servername ?? (isIP(endpoint.host) ? '' : endpoint.host),
        ALPNProtocols: ['h2', 'http/1.1'],
        rejectUnauthorized: !endpoint.insecure,
        ...(endpoint.ca ? { ca: endpoint.ca } : {}),
      });
      const finish = (result: AlpnProbe | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.#inFlight.delete(abort);
        session?.destroy();
        socket.destroy();
        resolve(result);
      };
      const fail = (error: string) => finish({ checkedAt, selected, extendedConnect: null, error });
      const abort = () => finish(null);
      this.#inFlight.add(abort);
      const timer = setTimeout(
        () => fail(`ETIMEDOUT: check unfinished after ${this.#timeoutMs} ms`),
        this.#timeoutMs,
      );
      // Errors after the check finished (a late RST on a socket being destroyed) are not news.
      socket.on('error', (error) => fail(describeError(error)));
      socket.once('secureConnect', () => {
        selected = socket.alpnProtocol || null;
        if (selected !== 'h2') {
          finish({ checkedAt, selected, extendedConnect: null, error: null });
          return;
        }
        const authority = `https://${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
        session = http2.connect(authority, { createConnection: () => socket });
        session.on('error', (error) => fail(describeError(error)));
        session.once('remoteSettings', (settings) => {
          finish({
            checkedAt,
            selected,
            extendedConnect: settings.enableConnectProtocol === true,
            error: null,
          });
        });
      });
    });
  }
}

/** The endpoint of a wss URL with the leg's TLS settings; null for ws:// legs. */
export function alpnEndpoint(
  url: string,
  tlsConfig: { servername: string | null; ca: string | null; insecure: boolean },
): AlpnEndpoint | null {
  const parsed = new URL(url);
  if (parsed.protocol !== 'wss:') return null;
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return {
    host,
    port: parsed.port === '' ? 443 : Number(parsed.port),
    servername: tlsConfig.servername,
    ca: tlsConfig.ca,
    insecure: tlsConfig.insecure,
  };
}

function endpointKey(endpoint: AlpnEndpoint): string {
  return JSON.stringify([endpoint.host, endpoint.port, endpoint.servername, endpoint.insecure, endpoint.ca]);
}
