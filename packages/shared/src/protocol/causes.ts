// The six ways a session ends without hopwatch choosing to end it (docs/spec.md#1-concepts). Names are contract.
import { z } from 'zod';

export const CAUSES = [
  'connect_failed',
  'handshake_rejected',
  'heartbeat_timeout',
  'remote_close',
  'abnormal_close',
  'reset',
] as const;

export const causeSchema = z.enum(CAUSES);
export type Cause = z.infer<typeof causeSchema>;

/** Causes of a failed connection attempt: the session has zero duration. */
export const ATTEMPT_CAUSES: readonly Cause[] = ['connect_failed', 'handshake_rejected'];
