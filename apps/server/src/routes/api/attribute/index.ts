// GET /api/attribute?target&at: the verdict for a drop a user reported at `at` (docs/spec.md#1-concepts: every leg
// clean then implicates last-mile). Judged on request from what is stored, not stored itself.
import type { AttributeResponse, Verdict } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TargetConfig } from '../../../config/types.js';
import { findTarget } from '../known-targets.js';
import { badQuery, instantParam, nameParam, parseQuery } from '../query.js';
import type { ApiSources } from '../sources.js';

/** A report this far ahead of the server's clock is a browser clock running fast, and means "now". */
export const MAX_CLOCK_SKEW_MS = 60_000;

export interface AttributeSources extends Pick<ApiSources, 'targets' | 'now'> {
  attribute(target: TargetConfig, at: number): Promise<Verdict>;
}

export const attributeQuerySchema = z.object({
  target: nameParam,
  at: instantParam,
});

export async function attributeRoutes(app: FastifyInstance, sources: AttributeSources): Promise<void> {
  app.get('/api/attribute', async (request): Promise<AttributeResponse> => {
    const query = parseQuery(attributeQuerySchema, request.query);
    const target = findTarget(sources.targets(), query.target);
    const now = sources.now();
    if (query.at > now + MAX_CLOCK_SKEW_MS) {
      throw badQuery(
        `at: is in the future (${new Date(query.at).toISOString()}; server time ${new Date(now).toISOString()})`,
      );
    }
    return { verdict: await sources.attribute(target, Math.min(query.at, now)) } satisfies AttributeResponse;
  });
}
