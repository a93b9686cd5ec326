// Every route hopwatch serves, registered in one place (as Fastify's demo does from its routes/ root).
// app.ts builds the instance and its plugins (plugins/), then hands it here: a new route is one line below,
// with the narrow sources it reads taken from the runtime here, so the route itself never sees the runtime.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { LiveProtocolErrors } from '../live/protocol-errors.js';
import type { AuthFailureLimiter } from '../plugins/auth-limiter.js';
import type { HostPolicy } from '../plugins/host-check.js';
import type { SessionSigner } from '../plugins/session-cookie.js';
import type { Runtime } from '../runtime.js';
import { attributeRoutes } from './api/attribute/index.js';
import { dropsRoutes } from './api/drops/index.js';
import { evidenceRoutes } from './api/evidence/index.js';
import { apiRoutes } from './api/index.js';
import { labRoutes } from './api/lab/index.js';
import type { ApiSources } from './api/sources.js';
import { healthRoutes } from './health.js';
import { liveRoutes } from './live.js';
import { loginRoutes } from './login.js';
import { metricsRoutes } from './metrics.js';
import { openApiRoutes } from './openapi.js';
import { resolveWebRoot, spaRoutes } from './spa.js';

export interface RouteOptions {
  runtime: Runtime;
  /** the metrics registry GET /metrics serves */
  registry: Registry;
  /** where the built dashboard lives; undefined: @hopwatch/web's dist, if built; null: no dashboard */
  webRoot: string | null | undefined;
  /** the failed-authentication limit and the session signer the auth plugin uses too (login checks tokens) */
  guard: { limiter: AuthFailureLimiter; sessions: SessionSigner };
  /** the server's own names (the live stream's Origin check) */
  hosts: HostPolicy;
  /** counts what live-stream clients send wrong */
  liveErrors: LiveProtocolErrors;
}

export async function registerRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  const { runtime } = options;
  await app.register(healthRoutes);
  await app.register(openApiRoutes);
  await app.register(loginRoutes, { authToken: runtime.config.server.authToken, ...options.guard });
  await app.register(metricsRoutes, { registry: options.registry });
  await app.register(liveRoutes, {
    hub: runtime.hub,
    allowedOrigins: runtime.config.server.allowedOrigins,
    hosts: options.hosts,
    protocolErrors: options.liveErrors,
  });
  // Every vantage's targets and legs (with one SQLite store: the config's).
  const targets = () => runtime.targets();
  await app.register(apiRoutes, {
    targets,
    store: runtime.store,
    lastSeq: () => runtime.events.lastSeq(),
    legStatus: () => runtime.prober.status(),
    legCondition: (target, leg) => runtime.outages.condition(target, leg),
    now: Date.now,
  } satisfies ApiSources);
  await app.register(dropsRoutes, { targets, store: runtime.store });
  await app.register(attributeRoutes, {
    targets,
    now: Date.now,
    attribute: (target, at) => runtime.judge.attribute(target, at),
  });
  await app.register(evidenceRoutes, {
    targets,
    now: Date.now,
    series: (target, window) => runtime.evidence.series(target, window),
  });
  // Lab mode only: without the lab these routes do not exist (404).
  if (runtime.lab) await app.register(labRoutes, { lab: runtime.lab });
  // Last: its not-found handler serves the dashboard for every path no route above claimed.
  await app.register(spaRoutes, {
    webRoot: options.webRoot === undefined ? resolveWebRoot() : options.webRoot,
  });
}
