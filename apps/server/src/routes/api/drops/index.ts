// GET /api/drops?target&from&to&limit: drop clusters with their verdicts, newest first (by first drop).
import { type DropsResponse, dropsResponseSchema } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withApiErrors } from '../../../plugins/zod-schemas.js';
import { findTarget } from '../known-targets.js';
import { assertRange, instantParam, limitParam, nameParam } from '../query.js';
import type { ApiSources } from '../sources.js';

export const DROPS_MAX_LIMIT = 1_000;
export const DROPS_DEFAULT_LIMIT = 100;

export const dropsQuerySchema = z.object({
  target: nameParam.optional(),
  from: instantParam.optional(),
  to: instantParam.optional(),
  limit: limitParam(DROPS_MAX_LIMIT, DROPS_DEFAULT_LIMIT),
});

export async function dropsRoutes(
  app: FastifyInstance,
  sources: Pick<ApiSources, 'targets' | 'store'>,
): Promise<void> {
  const schema = {
    summary: 'Drop clusters with their verdicts, newest first',
    querystring: dropsQuerySchema,
    response: withApiErrors({ 200: dropsResponseSchema }),
  };
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/api/drops', { schema }, async (request): Promise<DropsResponse> => {
      const { query } = request;
      if (query.from !== undefined && query.to !== undefined) assertRange(query.from, query.to);
      const filter: { target?: string; from?: number; to?: number; limit: number } = { limit: query.limit };
      if (query.target !== undefined) filter.target = findTarget(sources.targets(), query.target).name;
      if (query.from !== undefined) filter.from = query.from;
      if (query.to !== undefined) filter.to = query.to;
      return { drops: await sources.store.verdicts(filter) } satisfies DropsResponse;
    });
}
