import type { Health } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../version.js';

const startedAt = Date.now();

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', async (): Promise<Health> => {
    return { status: 'ok', version: VERSION, uptimeS: Math.round((Date.now() - startedAt) / 1000) };
  });
}
