// Pure attribution: coverage, clustering drops, classifying legs, suspects, confidence, summaries and the
// signature catalog. No I/O: the server feeds it facts from its store, the tests feed it tables.

export {
  type CatalogEntry,
  CULPRIT_CATALOG,
  CULPRIT_KINDS,
  type CulpritKind,
  culpritsOfKind,
  DURATION_TOLERANCE,
  describeCulprit,
  nearlyEqual,
  toCulprit,
} from './catalog.js';
export {
  acrossTheDrops,
  classifyLeg,
  LEG_CLASSES,
  type LegClass,
  type LegClassification,
  type LegWindowEvidence,
} from './classify.js';
export {
  type ClusterSpan,
  clusterDrops,
  clusterDueAt,
  FINAL_WITHIN_WINDOWS,
  joinsCluster,
  judgedWindow,
  MAX_SPAN_WINDOWS,
  reportedWindow,
} from './cluster.js';
export { type ConfidenceInput, judgeConfidence } from './confidence.js';
export { type CorpusLabel, corpusLabels, LAB_FAULT_SIGNATURES } from './corpus/labels.js';
export type { CorpusRecording } from './corpus/recording.js';
export {
  matchSignatures,
  proberStalled,
  RECENT_SESSIONS,
  SIGNATURES,
  type Signature,
  type SignatureEvidence,
  sampleLookbackMs,
} from './signatures.js';
export { type SummaryInput, summarize } from './summary.js';
export { findSuspects, type SuspectsInput } from './suspects.js';
export type { Drop, HeartbeatSample, LegFacts, ProberStall, TargetFacts, TimeWindow } from './types.js';
export { isDropSession } from './types.js';
export {
  type ClusterFacts,
  clusterVerdictId,
  type JudgeFacts,
  judgeCluster,
  judgeReport,
  type ReportFacts,
} from './verdict.js';
