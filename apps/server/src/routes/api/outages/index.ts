// GET /api/outages?target&leg&from&to&limit: leg outages overlapping [from, to], newest first, `until` null
// while open (docs/spec.md#4-http-api).
import { type OutagesResponse, outagesResponseSchema } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withApiErrors } from '../../../plugins/zod-schemas.js';
import type { OutageQuery } from '../../../store/store.js';
import { legRangeFilter } from '../known-targets.js';
import { instantParam, limitParam, nameParam } from '../query.js';
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
  const schema = {
    summary: 'Leg outages overlapping [from, to], newest first (until null while open)',
    querystring: outagesQuerySchema,
    response: withApiErrors({ 200: outagesResponseSchema }),
  };
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/api/outages', { schema }, async (request): Promise<OutagesResponse> => {
      const { query } = request;
      const filter: OutageQuery = { ...legRangeFilter(sources.targets(), query), limit: query.limit };
      return { outages: await sources.store.outages(filter) } satisfies OutagesResponse;
    });
}
