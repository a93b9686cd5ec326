// GET /api/sessions?target&leg&from&to&limit: sessions overlapping [from, to], newest first.
import { type SessionsResponse, sessionsResponseSchema } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionQuery } from '../../../store/store.js';
import { withApiErrors } from '../../zod-schemas.js';
import { findLeg, findTarget } from '../known-targets.js';
import { assertRange, badQuery, instantParam, limitParam, nameParam } from '../query.js';
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
      const filter: SessionQuery = { limit: query.limit };
      if (query.leg !== undefined && query.target === undefined) {
        throw badQuery('leg: needs target (leg names are only unique within a target)');
      }
      if (query.target !== undefined) {
        const target = findTarget(sources.targets(), query.target);
        filter.target = target.name;
        if (query.leg !== undefined) filter.leg = findLeg(target, query.leg).name;
      }
      if (query.from !== undefined) filter.from = query.from;
      if (query.to !== undefined) filter.to = query.to;
      if (query.from !== undefined && query.to !== undefined) assertRange(query.from, query.to);
      return { sessions: await sources.store.sessions(filter) } satisfies SessionsResponse;
    });
}
