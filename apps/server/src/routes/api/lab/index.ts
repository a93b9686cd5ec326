// The built-in lab's routes (docs/spec.md#7-built-in-lab): its status, and faults injected and cleared on demand.
// Registered only in lab mode, so without the lab they are plain 404s.
import {
  type LabClearResponse,
  type LabFault,
  type LabFaultRequest,
  type LabStatus,
  labFaultRequestSchema,
} from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Lab } from '../../../lab/lab.js';
import { ApiFailure } from '../../../plugins/errors.js';
import { parseBody, parseQuery } from '../query.js';

const noQuery = z.object({});
// Strict: a misspelt field (`duration` for `durationMs`) is an error, not a silently ignored default.
const faultRequest = labFaultRequestSchema.strict();

/** The optional fields and the one kind each belongs to: a field sent for another kind is a mistake. */
const FIELD_KIND = { code: 'close', status: 'reject', ageMs: 'cap' } as const;

export async function labRoutes(app: FastifyInstance, options: { lab: Lab }): Promise<void> {
  const { lab } = options;

  app.get('/api/lab', async (request): Promise<LabStatus> => {
    parseQuery(noQuery, request.query);
    return lab.status();
  });

  app.post('/api/lab/faults', async (request, reply): Promise<LabFault> => {
    parseQuery(noQuery, request.query);
    // The runtime logs every fault as it starts, scheduled or injected here.
    const fault = lab.inject(checkFields(parseBody(faultRequest, request.body)));
    reply.code(201);
    return fault;
  });

  app.delete('/api/lab/faults', async (request): Promise<LabClearResponse> => {
    parseQuery(noQuery, request.query);
    return { cleared: lab.clear() };
  });
}

function checkFields(request: LabFaultRequest): LabFaultRequest {
  for (const [field, kind] of Object.entries(FIELD_KIND)) {
    if (request[field as keyof typeof FIELD_KIND] !== undefined && request.kind !== kind) {
      throw new ApiFailure(
        'bad_body',
        `${field}: applies only to kind ${kind} (this fault is ${request.kind})`,
      );
    }
  }
  return request;
}
