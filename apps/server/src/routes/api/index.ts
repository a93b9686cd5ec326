// The JSON API of docs/spec.md#4-http-api that reads ApiSources (drops, attribute and the lab take narrower sources;
// routes/index.ts registers them all).
import type { FastifyInstance } from 'fastify';
import { eventsRoutes } from './events/index.js';
import { incidentsRoutes } from './incidents/index.js';
import { outagesRoutes } from './outages/index.js';
import { rttRoutes } from './rtt/index.js';
import { sessionsRoutes } from './sessions/index.js';
import type { ApiSources } from './sources.js';
import { targetsRoutes } from './targets/index.js';

export async function apiRoutes(app: FastifyInstance, sources: ApiSources): Promise<void> {
  await app.register(targetsRoutes, sources);
  await app.register(sessionsRoutes, sources);
  await app.register(rttRoutes, sources);
  await app.register(eventsRoutes, sources);
  await app.register(incidentsRoutes, sources);
  await app.register(outagesRoutes, sources);
}
