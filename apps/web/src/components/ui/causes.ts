// How each drop cause is named, coloured and shaped everywhere on screen (the colours live in styles.css as
// --cause-<cause>, Okabe–Ito hues); one list, so the legend and the marks cannot disagree. The shape tells
// the causes apart where colour cannot (colour-vision deficiencies, a grey printout).
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

/** Each cause's glyph: an SVG path about 9 px across, centred on (0, 0). */
export const CAUSE_GLYPHS: Record<Cause, string> = {
  // circle
  connect_failed: 'M-4 0a4 4 0 1 0 8 0a4 4 0 1 0 -8 0Z',
  // square
  handshake_rejected: 'M-3.5 -3.5h7v7h-7Z',
  // diamond
  heartbeat_timeout: 'M0 -4.8L4.8 0L0 4.8L-4.8 0Z',
  // triangle pointing down
  remote_close: 'M-4.5 -3.5h9L0 4.5Z',
  // triangle pointing up
  abnormal_close: 'M-4.5 3.5h9L0 -4.5Z',
  // cross
  reset: 'M-4.5 -3L-3 -4.5L0 -1.5L3 -4.5L4.5 -3L1.5 0L4.5 3L3 4.5L0 1.5L-3 4.5L-4.5 3L-1.5 0Z',
};
