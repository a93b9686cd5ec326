export { type BackoffPolicy, backoffDelay } from './backoff.js';
export { type DurationParse, formatDuration, parseDuration } from './duration.js';
