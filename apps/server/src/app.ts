// Builds the hopwatch HTTP app from a runtime. Never listens: server.ts does, and tests use inject().
import fastifyWebsocket from '@fastify/websocket';
import { LIVE_MAX_CLIENT_MESSAGE_BYTES } from '@hopwatch/shared/protocol';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { DEFAULT_VANTAGE } from './config/defaults.js';
import { createMetrics } from './metrics/hopwatch-metrics.js';
import { attributeRoutes } from './routes/api/attribute/index.js';
import { dropsRoutes } from './routes/api/drops/index.js';
import { apiRoutes } from './routes/api/index.js';
import { labRoutes } from './routes/api/lab/index.js';
import type { ApiSources } from './routes/api/sources.js';
import { installAuth } from './routes/auth.js';
import { installErrorHandler, onFrameworkError } from './routes/errors.js';
import { healthRoutes } from './routes/health.js';
import { liveRoutes } from './routes/live.js';
import { loginRoutes } from './routes/login.js';
import { metricsRoutes } from './routes/metrics.js';
import { resolveWebRoot, spaRoutes } from './routes/spa.js';
import {
  DEFAULT_WRITE_LIMIT,
  installWriteRateLimit,
  type RateLimitPolicy,
} from './routes/write-rate-limit.js';
import type { Runtime } from './runtime.js';

export interface BuildAppOptions {
  runtime: Runtime;
  logger?: FastifyServerOptions['logger'];
  /** where the built dashboard lives; default: @hopwatch/web's dist, if built */
  webRoot?: string | null;
  /** limit on POST/PUT/DELETE per client address; tests that write in bulk raise it */
  writeRateLimit?: RateLimitPolicy;
}

const API_BODY_LIMIT_BYTES = 64 * 1024;

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { runtime } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    // One log line per session close is what matters (SPEC section 3); per-request lines would drown it.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    // The largest legitimate body is an incident with a 10,000-character note.
    bodyLimit: API_BODY_LIMIT_BYTES,
    frameworkErrors: onFrameworkError,
  });
  installErrorHandler(app);
  // The API speaks JSON only (the login form adds its own parser); anything else is a 415, not a 400.
  app.removeContentTypeParser('text/plain');

  // ws enforces the cap on every frame and closes with 1009, before the payload is even buffered.
  // No permessage-deflate: the live hub writes pre-built, uncompressed frames (live/hub.ts, wireOf).
  await app.register(fastifyWebsocket, {
    options: { maxPayload: LIVE_MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false },
  });
  // After the websocket plugin: its onRequest hook marks upgrade requests so that a refused upgrade's
  // socket is destroyed after the response; a guard running before it would leave that socket open.
  installWriteRateLimit(app, options.writeRateLimit ?? DEFAULT_WRITE_LIMIT);
  installAuth(app, runtime.config.server.authToken);

  await app.register(healthRoutes);
  await app.register(loginRoutes, { authToken: runtime.config.server.authToken });

  const metrics = createMetrics({
    bus: runtime.bus,
    liveClients: () => runtime.hub.clientCount,
    legs: () => runtime.config.targets.flatMap((t) => t.legs.map((l) => ({ target: t.name, leg: l.name }))),
  });
  // Instances sharing a store each export their own legs; the label tells their series apart.
  if (runtime.config.storage.postgres !== null || runtime.config.vantage !== DEFAULT_VANTAGE) {
    metrics.registry.setDefaultLabels({ vantage: runtime.config.vantage });
  }
  app.addHook('onClose', async () => metrics.close());
  await app.register(metricsRoutes, { registry: metrics.registry });
  await app.register(liveRoutes, { hub: runtime.hub, allowedOrigins: runtime.config.server.allowedOrigins });
  const targets = () => runtime.targets();
  await app.register(apiRoutes, {
    targets,
    store: runtime.store,
    lastSeq: () => runtime.events.lastSeq(),
    legStatus: () => runtime.prober.status(),
    now: Date.now,
  } satisfies ApiSources);
  await app.register(dropsRoutes, { targets, store: runtime.store });
  await app.register(attributeRoutes, {
    targets,
    now: Date.now,
    attribute: (target, at) => runtime.judge.attribute(target, at),
  });
  // Lab mode only: without the lab these routes do not exist (404).
  if (runtime.lab) await app.register(labRoutes, { lab: runtime.lab });
  await app.register(spaRoutes, {
    webRoot: options.webRoot === undefined ? resolveWebRoot() : options.webRoot,
  });

  return app;
}
