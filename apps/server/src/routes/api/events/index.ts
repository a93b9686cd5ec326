// GET /api/events?since&limit: the event log after sequence number `since`, oldest first, with the newest
// sequence number so a client knows whether to page on.
import { type EventsResponse, eventsResponseSchema } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withApiErrors } from '../../../plugins/zod-schemas.js';
import { limitParam, sequenceParam } from '../query.js';
import type { ApiSources } from '../sources.js';

export const EVENTS_MAX_LIMIT = 5_000;
export const EVENTS_DEFAULT_LIMIT = 1_000;

export const eventsQuerySchema = z.object({
  since: sequenceParam.optional(),
  limit: limitParam(EVENTS_MAX_LIMIT, EVENTS_DEFAULT_LIMIT),
});

export async function eventsRoutes(app: FastifyInstance, sources: ApiSources): Promise<void> {
  const schema = {
    summary: 'Stored events after sequence number since, oldest first',
    querystring: eventsQuerySchema,
    response: withApiErrors({ 200: eventsResponseSchema }),
  };
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/api/events', { schema }, async (request): Promise<EventsResponse> => {
      const { query } = request;
      const lastSeq = sources.lastSeq();
      const events = await sources.store.after(query.since ?? 0, query.limit);
      return { events, lastSeq } satisfies EventsResponse;
    });
}
