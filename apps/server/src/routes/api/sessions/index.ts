// GET /api/sessions?target&leg&from&to&limit: sessions overlapping [from, to], newest first.
import { type SessionsResponse, sessionsResponseSchema } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withApiErrors } from '../../../plugins/zod-schemas.js';
import type { SessionQuery } from '../../../store/store.js';
import { legRangeFilter } from '../known-targets.js';
import { instantParam, limitParam, nameParam } from '../query.js';
import type { ApiSources } from '../sources.js';

export const SESSIONS_MAX_LIMIT = 1_000;
export const SESSIONS_DEFAULT_LIMIT = 100;

export const sessionsQuerySchema = z.object({
  target: nameParam.optional(),
  leg: nameParam.optional(),
  from: instantParam.optional(),
  to: instantParam.optional(),
  limit: limitParam(SESSIONS_MAX_LIMIT, SESSIONS_DEFAULT_LIMIT),
});

export async function sessionsRoutes(app: FastifyInstance, sources: ApiSources): Promise<void> {
  const schema = {
    summary: 'Sessions overlapping [from, to], newest first',
    querystring: sessionsQuerySchema,
    response: withApiErrors({ 200: sessionsResponseSchema }),
  };
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/api/sessions', { schema }, async (request): Promise<SessionsResponse> => {
      const { query } = request;
      const filter: SessionQuery = { ...legRangeFilter(sources.targets(), query), limit: query.limit };
      return { sessions: await sources.store.sessions(filter) } satisfies SessionsResponse;
    });
}
