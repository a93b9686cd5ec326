// GET /api/events?since&limit: the event log after sequence number `since`, oldest first, with the newest
// sequence number so a client knows whether to page on.
import type { EventsResponse } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { limitParam, parseQuery, sequenceParam } from '../query.js';
import type { ApiSources } from '../sources.js';

export const EVENTS_MAX_LIMIT = 5_000;
export const EVENTS_DEFAULT_LIMIT = 1_000;

export const eventsQuerySchema = z.object({
  since: sequenceParam.optional(),
  limit: limitParam(EVENTS_MAX_LIMIT, EVENTS_DEFAULT_LIMIT),
});

export async function eventsRoutes(app: FastifyInstance, sources: ApiSources): Promise<void> {
  app.get('/api/events', async (request): Promise<EventsResponse> => {
    const query = parseQuery(eventsQuerySchema, request.query);
    const lastSeq = sources.lastSeq();
    const events = await sources.store.after(query.since ?? 0, query.limit);
    return { events, lastSeq } satisfies EventsResponse;
  });
}
