// Saved incidents: GET/POST /api/incidents, GET /api/incidents/:id. An incident names a target and a time
// window so a link can bring a colleague to the same view; links never carry the auth token.
import { createIncidentSchema, type Incident, type IncidentsResponse } from '@hopwatch/shared/protocol';
import { MAX_INSTANT_MS, parseInstant } from '@hopwatch/shared/time';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiFailure } from '../../../plugins/errors.js';
import { findTarget } from '../known-targets.js';
import { limitParam, nameParam, parseBody, parseQuery } from '../query.js';
import type { ApiSources } from '../sources.js';

export const INCIDENTS_MAX_LIMIT = 1_000;
export const INCIDENTS_DEFAULT_LIMIT = 100;

const incidentsQuerySchema = z.object({
  target: nameParam.optional(),
  limit: limitParam(INCIDENTS_MAX_LIMIT, INCIDENTS_DEFAULT_LIMIT),
});
const incidentParamsSchema = z.object({ id: z.string() });

export async function incidentsRoutes(app: FastifyInstance, sources: ApiSources): Promise<void> {
  app.get('/api/incidents', async (request): Promise<IncidentsResponse> => {
    const query = parseQuery(incidentsQuerySchema, request.query);
    const filter =
      query.target === undefined ? { limit: query.limit } : { target: query.target, limit: query.limit };
    return { incidents: await sources.store.incidents(filter) } satisfies IncidentsResponse;
  });

  app.get('/api/incidents/:id', async (request): Promise<Incident> => {
    const { id } = incidentParamsSchema.parse(request.params);
    const incident = await sources.store.incident(id);
    if (!incident) {
      throw new ApiFailure('unknown_incident', `incident ${JSON.stringify(id.slice(0, 100))} does not exist`);
    }
    return incident satisfies Incident;
  });

  app.post('/api/incidents', async (request, reply) => {
    const body = parseBody(createIncidentSchema, request.body);
    const from = bodyInstant('from', body.from);
    const to = bodyInstant('to', body.to);
    if (to < from) throw new ApiFailure('bad_body', `to: must not be before from (from ${from}, to ${to})`);
    const target = findTarget(sources.targets(), body.target);
    const incident = await sources.store.createIncident({
      target: target.name,
      from,
      to,
      title: body.title,
      note: body.note,
    });
    return reply
      .code(201)
      .header('location', `/api/incidents/${encodeURIComponent(incident.id)}`)
      .send(incident satisfies Incident);
  });
}

/** Incident bodies carry times as epoch ms numbers or as strings (epoch ms or ISO 8601). */
function bodyInstant(field: 'from' | 'to', value: number | string): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= MAX_INSTANT_MS) return value;
    throw new ApiFailure(
      'bad_body',
      `${field}: must be non-negative integer epoch milliseconds (got ${value})`,
    );
  }
  const parsed = parseInstant(value);
  if (parsed.ok) return parsed.ms;
  throw new ApiFailure('bad_body', `${field}: ${parsed.message}`);
}
