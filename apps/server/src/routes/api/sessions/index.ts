// GET /api/sessions?target&leg&from&to&limit: sessions overlapping [from, to], newest first.
import type { SessionsResponse } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SessionQuery } from '../../../store/store.js';
import { legRangeFilter } from '../known-targets.js';
import { instantParam, limitParam, nameParam, parseQuery } from '../query.js';
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
    const filter: SessionQuery = { ...legRangeFilter(sources.targets(), query), limit: query.limit };
    return { sessions: await sources.store.sessions(filter) } satisfies SessionsResponse;
  });
}
