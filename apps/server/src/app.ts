// Builds the hopwatch HTTP app from a runtime. Never listens: server.ts does, and tests use inject().
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { DEFAULT_VANTAGE } from './config/defaults.js';
import { LiveProtocolErrors } from './live/protocol-errors.js';
import { createMetrics } from './metrics/hopwatch-metrics.js';
import { installAuth } from './plugins/auth.js';
import { AuthFailureLimiter } from './plugins/auth-limiter.js';
import { BODY_TIMEOUT_MS, installBodyTimeout } from './plugins/body-timeout.js';
import { installUpgradeCheck, onClientError } from './plugins/client-errors.js';
import { installErrorHandler, onFrameworkError } from './plugins/errors.js';
import { createHostPolicy, installHostCheck } from './plugins/host-check.js';
import { installSecurityHeaders } from './plugins/security-headers.js';
import { createSessionSigner } from './plugins/session-cookie.js';
import {
  DEFAULT_WRITE_LIMIT,
  installWriteRateLimit,
  type RateLimitPolicy,
} from './plugins/write-rate-limit.js';
import { useZodSchemas } from './plugins/zod-schemas.js';
import { registerRoutes } from './routes/index.js';
import { LIVE_MAX_READ_BYTES } from './routes/live.js';
import { installOpenApi } from './routes/openapi.js';
import type { Runtime } from './runtime.js';

export interface BuildAppOptions {
  runtime: Runtime;
  logger?: FastifyServerOptions['logger'];
  /** where the built dashboard lives; default: @hopwatch/web's dist, if built */
  webRoot?: string | null;
  /** limit on POST/PUT/DELETE per client address; tests that write in bulk raise it */
  writeRateLimit?: RateLimitPolicy;
  /** failed authentications per client before 429 (default 10 a minute) */
  authFailureLimit?: RateLimitPolicy;
  /** how long a request body may take to arrive (default 10 s) */
  bodyTimeoutMs?: number;
}

const API_BODY_LIMIT_BYTES = 64 * 1024;

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { runtime } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    // One log line per session close is what matters (docs/spec.md#3-command-line); per-request lines would drown it.
    logController: new LogController({ disableRequestLogging: true }),
    // Off unless hopwatch sits behind a reverse proxy: then request.ip (rate limits), request.protocol (the
    // cookie's Secure) and request.host (the Host check) come from X-Forwarded-*.
    trustProxy: runtime.config.server.trustProxy,
    // The largest legitimate body is an incident with a 10,000-character note.
    bodyLimit: API_BODY_LIMIT_BYTES,
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
  });
  await installSecurityHeaders(app);
  installErrorHandler(app);
  // Route schemas are zod: validated with hopwatch's error wording, documented at /api/openapi.json.
  useZodSchemas(app);
  await installOpenApi(app);
  // The API speaks JSON only (the login form adds its own parser); anything else is a 415, not a 400.
  app.removeContentTypeParser('text/plain');

  // ws cuts a frame over LIVE_MAX_READ_BYTES at its header (1009); smaller messages over the 4 KiB cap are
  // read whole and closed with 1009 by the live route, which a browser reports faithfully.
  // No permessage-deflate: the live hub writes pre-built, uncompressed frames (live/hub.ts, wireOf).
  const liveErrors = new LiveProtocolErrors();
  await app.register(fastifyWebsocket, {
    options: { maxPayload: LIVE_MAX_READ_BYTES, perMessageDeflate: false },
    // Not the plugin's default (an error log with a stack per malformed frame): counted, debug, once.
    errorHandler: liveErrors.onSocketError,
  });
  // After the websocket plugin: its onRequest hook marks upgrade requests so that a refused upgrade's
  // socket is destroyed after the response; a guard running before it would leave that socket open.
  const { server } = runtime.config;
  const hosts = createHostPolicy(server.host, server.allowedHosts);
  installHostCheck(app, hosts);
  installUpgradeCheck(app);
  installBodyTimeout(app, options.bodyTimeoutMs ?? BODY_TIMEOUT_MS);
  installWriteRateLimit(app, options.writeRateLimit ?? DEFAULT_WRITE_LIMIT);
  const guard = {
    limiter: new AuthFailureLimiter(options.authFailureLimit),
    sessions: createSessionSigner(server.authToken),
  };
  installAuth(app, server.authToken, guard);

  const metrics = createMetrics({
    bus: runtime.bus,
    liveClients: () => runtime.hub.clientCount,
    legs: () => runtime.config.targets.flatMap((t) => t.legs.map((l) => ({ target: t.name, leg: l.name }))),
  });
  metrics.registry.registerMetric(liveErrors.counter);
  // Instances sharing a store each export their own legs; the label tells their series apart.
  if (runtime.config.storage.postgres !== null || runtime.config.vantage !== DEFAULT_VANTAGE) {
    metrics.registry.setDefaultLabels({ vantage: runtime.config.vantage });
  }
  app.addHook('onClose', async () => metrics.close());
  await registerRoutes(app, {
    runtime,
    registry: metrics.registry,
    webRoot: options.webRoot,
    guard,
    hosts,
    liveErrors,
  });

  return app;
}
