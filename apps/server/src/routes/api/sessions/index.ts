// GET /api/sessions?target&leg&from&to&limit: sessions overlapping [from, to], newest first.
import type { SessionsResponse } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SessionQuery } from '../../../store/store.js';
import { findLeg, findTarget } from '../known-targets.js';
import { assertRange, badQuery, instantParam, limitParam, nameParam, parseQuery } from '../query.js';
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
  app.get('/api/sessions', async (request): Promise<SessionsResponse> => {
    const query = parseQuery(sessionsQuerySchema, request.query);
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
