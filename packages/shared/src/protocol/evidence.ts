// Evidence: series from the user's own Prometheus, shown beside the legs and named in verdicts (SPEC
// section 8). One definition of the wire shapes of GET /api/evidence and of a verdict's `evidence`.
import { z } from 'zod';

/** No evidence series carries more points than this, whatever the range and step asked for. */
export const EVIDENCE_MAX_POINTS = 2_000;

/** How far before a cluster's window a series above its threshold still counts as evidence. */
export const EVIDENCE_LOOKBACK_MS = 120_000;

export const evidencePointSchema = z.object({ t: z.number(), v: z.number() });
export type EvidencePoint = z.infer<typeof evidencePointSchema>;

export const evidenceSeriesSchema = z.object({
  name: z.string(),
  segment: z.string(),
  query: z.string(),
  above: z.number(),
  points: z.array(evidencePointSchema),
  /** why there are no points (Prometheus down, slow or refusing the query); null when it answered */
  error: z.string().nullable(),
});
export type EvidenceSeries = z.infer<typeof evidenceSeriesSchema>;

export const evidenceResponseSchema = z.object({ series: z.array(evidenceSeriesSchema) });
export type EvidenceResponse = z.infer<typeof evidenceResponseSchema>;

/**
 * How a series above its threshold bears on the verdict: on a suspect segment it `supports` it; on a
 * segment a clean leg crosses it is `ruled-out` (whatever it was, it did not drop that leg); else `unrelated`.
 */
export const EVIDENCE_BEARINGS = ['supports', 'ruled-out', 'unrelated'] as const;
export const evidenceBearingSchema = z.enum(EVIDENCE_BEARINGS);
export type EvidenceBearing = z.infer<typeof evidenceBearingSchema>;

/** One series that was above its threshold within a verdict's window or the EVIDENCE_LOOKBACK_MS before it. */
export const verdictEvidenceSchema = z.object({
  name: z.string(),
  segment: z.string(),
  /** the highest value in that time */
  peak: z.number(),
  above: z.number(),
  /** the first and last sample above the threshold in that time */
  from: z.number(),
  to: z.number(),
  bearing: evidenceBearingSchema,
  summary: z.string(),
});
export type VerdictEvidence = z.infer<typeof verdictEvidenceSchema>;
