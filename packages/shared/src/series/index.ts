export { bucketSamples, mergePoints, percentile, type RttObservation, summarize } from './buckets.js';
export {
  bucketCount,
  bucketStart,
  chooseStep,
  RTT_ROLLUP_MS,
  STEP_LADDER,
  type StepRequest,
} from './step.js';
