// Security headers on every response (docs/spec.md#5-security): pages, assets, API JSON, errors and 404s. The CSP is
// the one the built dashboard runs under: Vite emits one module script and one stylesheet, both files from
// 'self' (no inline script); the favicon is a data: URL; the live stream is a same-origin WebSocket, which
// CSP3's 'self' covers. Inline styles stay allowed: React and recharts set style attributes.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  // The dashboard's lab-fault buttons must not be clickable through someone else's frame.
  'frame-ancestors': ["'none'"],
};

/**
 * The same headers as plain values, for the few answers sent before any hook runs (Fastify's frameworkErrors:
 * a malformed URL, an over-long parameter), which helmet's onRequest hook never sees.
 */
export const PRE_ROUTING_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': Object.entries(CONTENT_SECURITY_POLICY)
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join(';'),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: CONTENT_SECURITY_POLICY,
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HTTP on a LAN address is a normal way to run hopwatch: HSTS and upgrade-insecure-requests would break
    // it, and a TLS-terminating proxy sets HSTS for the name it serves.
    strictTransportSecurity: false,
    // The dashboard loads nothing cross-origin, and scripts may fetch its API with credentials.
    crossOriginEmbedderPolicy: false,
  });
}
