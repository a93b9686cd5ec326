// GET /api/evidence?target&from&to&step: the target's evidence series from Prometheus (docs/spec.md#9-evidence-from-prometheus), at most
// EVIDENCE_MAX_POINTS points each. A Prometheus that is down, slow or refuses a query gives that series an
// `error` text: the request itself still succeeds, so the dashboard can say so in place.
import type { EvidenceResponse, EvidenceSeries } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TargetConfig } from '../../../config/types.js';
import type { EvidenceWindow } from '../../../evidence/evidence-source.js';
import { findTarget } from '../known-targets.js';
import { assertRange, badQuery, durationParam, instantParam, nameParam, parseQuery } from '../query.js';
import type { ApiSources } from '../sources.js';

/** the range when `from` is not given: the last hour, like GET /api/rtt */
export const EVIDENCE_DEFAULT_RANGE_MS = 3_600_000;
/** Prometheus rarely keeps more; beyond it a range is a mistake (seconds passed as ms…) */
export const EVIDENCE_MAX_RANGE_MS = 400 * 86_400_000;

export interface EvidenceSources extends Pick<ApiSources, 'targets' | 'now'> {
  series(target: TargetConfig, window: EvidenceWindow): Promise<EvidenceSeries[]>;
}

export const evidenceQuerySchema = z.object({
  target: nameParam,
  from: instantParam.optional(),
  to: instantParam.optional(),
  step: durationParam(1).optional(),
});

export async function evidenceRoutes(app: FastifyInstance, sources: EvidenceSources): Promise<void> {
  app.get('/api/evidence', async (request): Promise<EvidenceResponse> => {
    const query = parseQuery(evidenceQuerySchema, request.query);
    const target = findTarget(sources.targets(), query.target);
    const to = query.to ?? sources.now();
    const from = query.from ?? to - EVIDENCE_DEFAULT_RANGE_MS;
    assertRange(from, to);
    if (to - from > EVIDENCE_MAX_RANGE_MS) {
      throw badQuery(
        `from: the range may span at most 400 days (got ${Math.round((to - from) / 86_400_000)})`,
      );
    }
    const window = { from, to, ...(query.step === undefined ? {} : { stepMs: query.step }) };
    return { series: await sources.series(target, window) } satisfies EvidenceResponse;
  });
}
