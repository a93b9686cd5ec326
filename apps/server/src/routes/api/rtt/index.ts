// GET /api/rtt?target&leg&from&to&step: one leg's RTT, downsampled. Never more than RTT_MAX_POINTS points
// whatever the range: a step too fine for the range is widened (the response says which step it used).
import { RTT_MAX_POINTS, type RttResponse, rttResponseSchema } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withApiErrors } from '../../../plugins/zod-schemas.js';
import { findLeg, findTarget } from '../known-targets.js';
import { assertRange, badQuery, durationParam, instantParam, nameParam } from '../query.js';
import type { ApiSources } from '../sources.js';

/** the range when `from` is not given: the last hour */
export const RTT_DEFAULT_RANGE_MS = 3_600_000;
/** longer than any retention worth having; beyond it a range is a mistake (seconds passed as ms…) */
export const RTT_MAX_RANGE_MS = 400 * 86_400_000;

export const rttQuerySchema = z.object({
  target: nameParam,
  leg: nameParam,
  from: instantParam.optional(),
  to: instantParam.optional(),
  step: durationParam(1).optional(),
});

export async function rttRoutes(app: FastifyInstance, sources: ApiSources): Promise<void> {
  const schema = {
    summary: "One leg's RTT, downsampled to at most 2,000 points",
    querystring: rttQuerySchema,
    response: withApiErrors({ 200: rttResponseSchema }),
  };
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/api/rtt', { schema }, async (request): Promise<RttResponse> => {
      const { query } = request;
      const target = findTarget(sources.targets(), query.target);
      const leg = findLeg(target, query.leg);
      const to = query.to ?? sources.now();
      const from = query.from ?? to - RTT_DEFAULT_RANGE_MS;
      assertRange(from, to);
      if (to - from > RTT_MAX_RANGE_MS) {
        throw badQuery(
          `from: the range may span at most 400 days (got ${Math.round((to - from) / 86_400_000)})`,
        );
      }
      const series = await sources.store.rttSeries({
        target: target.name,
        leg: leg.name,
        from,
        to,
        ...(query.step === undefined ? {} : { stepMs: query.step }),
      });
      // The store keeps the cap; this is the contract's last line, so no store bug can send a huge chart.
      const points =
        series.points.length > RTT_MAX_POINTS ? series.points.slice(-RTT_MAX_POINTS) : series.points;
      return { step: series.step, points } satisfies RttResponse;
    });
}
