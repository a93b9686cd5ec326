// The attribution of a drop cluster, or of a drop a user reported (docs/spec.md#1-concepts,
// docs/spec.md#6-signature-catalog).
import { z } from 'zod';
import { verdictEvidenceSchema } from './evidence.js';

export const CONFIDENCES = ['high', 'low', 'inconclusive'] as const;
export const confidenceSchema = z.enum(CONFIDENCES);
export type Confidence = z.infer<typeof confidenceSchema>;

export const SIGNATURE_IDS = [
  'duration-cap',
  'idle-timeout',
  'heartbeat-multiple',
  'stall-before-drop',
  'mass-drop',
  'h2-upgrade',
  'prober-stall',
] as const;
export const signatureIdSchema = z.enum(SIGNATURE_IDS);
export type SignatureId = z.infer<typeof signatureIdSchema>;

export const culpritSchema = z.object({
  component: z.string(),
  knob: z.string(),
  defaultText: z.string(),
  /** false for facts no primary source confirmed: show as "possible" */
  verified: z.boolean(),
});
export type Culprit = z.infer<typeof culpritSchema>;

export const signatureMatchSchema = z.object({
  id: signatureIdSchema,
  /** one line saying what the mechanism is and what to change */
  summary: z.string(),
  /** the facts the match rests on, human-readable, e.g. "3 sessions on edge ended at 100.2s, 100.0s, 99.8s" */
  evidence: z.array(z.string()),
  culprits: z.array(culpritSchema),
});
export type SignatureMatch = z.infer<typeof signatureMatchSchema>;

export const verdictSchema = z.object({
  id: z.string(),
  target: z.string(),
  /** 'cluster': judged from observed drops; 'reported': a user said they dropped at `at` */
  kind: z.enum(['cluster', 'reported']),
  /** time of the first drop of the cluster, or the reported time */
  at: z.number(),
  /** the window the legs were judged over */
  from: z.number(),
  to: z.number(),
  dropped: z.array(z.string()),
  clean: z.array(z.string()),
  unknown: z.array(z.string()),
  suspects: z.array(z.string()),
  confidence: confidenceSchema,
  signatures: z.array(signatureMatchSchema),
  summary: z.string(),
  /**
   * why each leg is in its list, by leg name: a dropped leg's causes ("heartbeat_timeout"), an unknown leg's
   * reason ("already down"), a clean leg's proof. Absent from verdicts stored before it existed.
   */
  reasons: z.record(z.string(), z.string()).optional(),
  /** ids of the dropped sessions in the cluster */
  sessionIds: z.array(z.string()),
  judgedAt: z.number(),
  /** Prometheus series above their threshold around the drops; attached after judging (docs/spec.md#9-evidence-from-prometheus) */
  evidence: z.array(verdictEvidenceSchema).default([]),
  /**
   * false while the cluster's window is still open (the verdict may change as drops join), true once it has
   * passed. Verdicts stored before this field existed were all final.
   */
  final: z.boolean().default(true),
});
export type Verdict = z.infer<typeof verdictSchema>;
