import { type Health, healthSchema } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import { withApiErrors } from '../plugins/zod-schemas.js';
import { VERSION } from '../version.js';

const startedAt = Date.now();

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const schema = {
    summary: 'Liveness: 200 while the server runs',
    response: withApiErrors({ 200: healthSchema }),
  };
  app.get('/healthz', { schema }, async (): Promise<Health> => {
    return { status: 'ok', version: VERSION, uptimeS: Math.round((Date.now() - startedAt) / 1000) };
  });
}
