// How each drop cause is named and coloured everywhere on screen (the colours live in styles.css as
// --cause-<cause>); one list, so the legend and the marks cannot disagree.
import { CAUSES, type Cause } from '@hopwatch/shared/protocol';

export const CAUSE_LABELS: Record<Cause, string> = {
  connect_failed: 'connect failed',
  handshake_rejected: 'handshake rejected',
  heartbeat_timeout: 'heartbeat timeout',
  remote_close: 'remote close',
  abnormal_close: 'abnormal close',
  reset: 'reset',
};

export const CAUSE_HINTS: Record<Cause, string> = {
  connect_failed: 'DNS, TCP or TLS failed before any HTTP response',
  handshake_rejected: 'the upgrade was answered with something other than 101',
  heartbeat_timeout: 'no heartbeat reply in time: a silent stall or blackhole',
  remote_close: 'the far side sent a close frame',
  abnormal_close: 'the connection ended with no close frame (1006)',
  reset: 'the TCP connection was reset',
};

export const CAUSE_ORDER: readonly Cause[] = CAUSES;

export function causeColor(cause: Cause): string {
  return `var(--cause-${cause})`;
}
