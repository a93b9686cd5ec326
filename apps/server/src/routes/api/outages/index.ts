// GET /api/outages?target&leg&from&to&limit: leg outages overlapping [from, to], newest first, `until` null
// while open (docs/spec.md#4-http-api).
import type { OutagesResponse } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { OutageQuery } from '../../../store/store.js';
import { legRangeFilter } from '../known-targets.js';
import { instantParam, limitParam, nameParam, parseQuery } from '../query.js';
import type { ApiSources } from '../sources.js';

export const OUTAGES_MAX_LIMIT = 1_000;
export const OUTAGES_DEFAULT_LIMIT = 100;

export const outagesQuerySchema = z.object({
  target: nameParam.optional(),
  leg: nameParam.optional(),
  from: instantParam.optional(),
  to: instantParam.optional(),
  limit: limitParam(OUTAGES_MAX_LIMIT, OUTAGES_DEFAULT_LIMIT),
});

export async function outagesRoutes(app: FastifyInstance, sources: ApiSources): Promise<void> {
  app.get('/api/outages', async (request): Promise<OutagesResponse> => {
    const query = parseQuery(outagesQuerySchema, request.query);
    const filter: OutageQuery = { ...legRangeFilter(sources.targets(), query), limit: query.limit };
    return { outages: await sources.store.outages(filter) } satisfies OutagesResponse;
  });
}
