// DNS rebinding guard (docs/spec.md#5-security): a page on rebind.evil.example whose name resolves to 127.0.0.1 reaches
// hopwatch with `Host: rebind.evil.example`. Only the names hopwatch is known by are served; any other Host
// is answered 421 on every route, /api/live upgrades included, before auth or routing.
import { hostname, networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { type HostEntry, parseHostEntry } from '../config/host-name.js';
import { ApiFailure, sendApiError } from './errors.js';

export interface HostPolicy {
  /** whether a Host header (`name`, `name:port`, `[v6]:port`) names this server */
  allows(host: string | undefined): boolean;
}

/** Accepts any Host: `allowedHosts: ["*"]`, for a deployment that checks Host itself. */
export const ANY_HOST = '*';
const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/**
 * The names a server bound to `bindHost` answers to: the bind address, loopback, the machine's names (and its
 * interface addresses when bound to every interface), on any port (a rebinding page cannot choose the name,
 * while `docker -p 9000:8080` and `kubectl port-forward` do change the port); plus `allowedHosts` (`name` for
 * any port, `name:port` for one).
 */
export function createHostPolicy(bindHost: string, allowedHosts: readonly string[]): HostPolicy {
  if (allowedHosts.includes(ANY_HOST)) return { allows: () => true };
  const own = new Set([...LOOPBACK_NAMES, hostname().toLowerCase()]);
  if (WILDCARD_BINDS.has(bindHost)) {
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) own.add(address.address.toLowerCase());
    }
  } else {
    own.add(normalizeName(bindHost));
  }
  const extra = allowedHosts.map(parseHostEntry).filter((entry): entry is HostEntry => entry !== null);
  return {
    allows(host) {
      const presented = host === undefined ? null : parseHostEntry(host);
      if (!presented) return false;
      if (own.has(presented.name)) return true;
      return extra.some((e) => e.name === presented.name && (e.port === null || e.port === presented.port));
    },
  };
}

function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/** On the root instance, so it covers every route, the 404s and the /api/live upgrade. */
export function installHostCheck(app: FastifyInstance, policy: HostPolicy): void {
  app.addHook('onRequest', async (request, reply) => {
    // request.host is X-Forwarded-Host only with server.trustProxy: the name the browser used.
    const host = request.host;
    // No Host at all is no browser (every browser sends one), so it cannot be a rebinding page.
    if (host === undefined || host === '' || policy.allows(host)) return;
    const shown = JSON.stringify(String(host ?? '').slice(0, 100));
    return sendApiError(
      reply,
      new ApiFailure(
        'host_not_allowed',
        `Host ${shown} is not a name of this hopwatch; add it to server.allowedHosts if it is`,
      ),
    );
  });
}
