// Pure evidence logic: which Prometheus series explain a verdict, in what words, and where a series sat
// above its threshold. The wire shapes are in ../protocol/evidence.ts.
export {
  describeEvidence,
  type EvidenceFacts,
  type EvidenceSeriesFacts,
  evidenceRange,
  findEvidence,
  formatValue,
  spansAbove,
  withEvidence,
} from './evidence.js';
