export { type BackoffPolicy, backoffDelay } from './backoff.js';
export { type DurationParse, formatDuration, parseDuration, parseDurationOrMs } from './duration.js';
export { heartbeatSlot, nextHeartbeatAt } from './heartbeat-slot.js';
export { type InstantParse, MAX_INSTANT_MS, parseInstant } from './instant.js';
export {
  formatZoneClock,
  formatZoneDateTime,
  type WallClock,
  wallClock,
  type ZoneOffset,
  zoneOffsetLabel,
} from './zone.js';
