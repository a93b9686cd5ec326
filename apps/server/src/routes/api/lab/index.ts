// The built-in lab's routes (docs/spec.md#7-built-in-lab): its status, and faults injected and cleared on demand.
// Registered only in lab mode, so without the lab they are plain 404s.
import {
  type LabClearResponse,
  type LabFault,
  type LabFaultRequest,
  type LabStatus,
  labClearResponseSchema,
  labFaultRequestSchema,
  labFaultSchema,
  labStatusSchema,
} from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Lab } from '../../../lab/lab.js';
import { ApiFailure } from '../../../plugins/errors.js';
import { withApiErrors } from '../../../plugins/zod-schemas.js';

export const noQuery = z.object({});
// Strict: a misspelt field (`duration` for `durationMs`) is an error, not a silently ignored default.
const faultRequest = labFaultRequestSchema.strict();

/** The optional fields and the one kind each belongs to: a field sent for another kind is a mistake. */
const FIELD_KIND = { code: 'close', status: 'reject', ageMs: 'cap' } as const;

export async function labRoutes(fastify: FastifyInstance, options: { lab: Lab }): Promise<void> {
  const { lab } = options;
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  const status = {
    summary: "The lab's hops, active faults and schedule",
    querystring: noQuery,
    response: withApiErrors({ 200: labStatusSchema }),
  };
  app.get('/api/lab', { schema: status }, async (): Promise<LabStatus> => lab.status());

  const inject = {
    summary: 'Inject a fault on a lab hop',
    querystring: noQuery,
    body: faultRequest,
    response: withApiErrors({ 201: labFaultSchema }),
  };
  app.post('/api/lab/faults', { schema: inject }, async (request, reply): Promise<LabFault> => {
    // The runtime logs every fault as it starts, scheduled or injected here.
    const fault = lab.inject(checkFields(request.body));
    reply.code(201);
    return fault;
  });

  const clear = {
    summary: 'Clear every active lab fault',
    querystring: noQuery,
    response: withApiErrors({ 200: labClearResponseSchema }),
  };
  app.delete(
    '/api/lab/faults',
    { schema: clear },
    async (): Promise<LabClearResponse> => ({
      cleared: lab.clear(),
    }),
  );
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
