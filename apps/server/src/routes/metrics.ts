// GET /metrics: the Prometheus text format of this app's own registry.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export async function metricsRoutes(app: FastifyInstance, options: { registry: Registry }): Promise<void> {
  const { registry } = options;
  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}
