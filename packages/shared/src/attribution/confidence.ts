// How far a verdict can be trusted (docs/spec.md#1-concepts): inconclusive beats low beats high.
import type { Confidence } from '../protocol/verdict.js';

export interface ConfidenceInput {
  suspects: readonly string[];
  unknown: readonly string[];
  /**
   * hopwatch itself stalled during the window, or a drop was taken while it did, at a vantage whose legs the
   * verdict rests on (signatures.ts proberStalled)
   */
  proberStalled: boolean;
}

export function judgeConfidence(input: ConfidenceInput): Confidence {
  if (input.proberStalled || input.suspects.length === 0) return 'inconclusive';
  if (input.unknown.length > 0) return 'low';
  return 'high';
}
