// Prober and attribution events: the one stream that storage, metrics and the live relay all consume.
// A tagged union on `kind`; the names are contract (docs/spec.md#4-http-api).
import { z } from 'zod';
import { outageSchema } from './outage.js';
import { handshakeSchema, type Session, sessionSchema } from './session.js';
import { verdictSchema } from './verdict.js';

export const LEG_STATES = ['connecting', 'up', 'down'] as const;
export const legStateSchema = z.enum(LEG_STATES);
export type LegState = z.infer<typeof legStateSchema>;

export const sessionOpenEventSchema = z.object({
  kind: z.literal('session_open'),
  ts: z.number(),
  target: z.string(),
  leg: z.string(),
  sessionId: z.string(),
  handshake: handshakeSchema,
});

export const sessionCloseEventSchema = z.object({
  kind: z.literal('session_close'),
  ts: z.number(),
  target: z.string(),
  leg: z.string(),
  /** the whole closed session, so consumers need no second lookup */
  session: sessionSchema,
});

export const rttEventSchema = z.object({
  kind: z.literal('rtt'),
  ts: z.number(),
  target: z.string(),
  leg: z.string(),
  sessionId: z.string(),
  seq: z.number().int(),
  /** null when the heartbeat was lost (no reply before the next was due) */
  rttMs: z.number().nullable(),
  suspect: z.boolean(),
  /**
   * how many ms after its slot the heartbeat was sent: hopwatch's own backlog at that moment. A heartbeat sent
   * late measured hopwatch as much as the path, so it is also `suspect`. Absent in events of older versions.
   */
  lateMs: z.number().optional(),
});

export const legStateEventSchema = z.object({
  kind: z.literal('leg_state'),
  ts: z.number(),
  target: z.string(),
  leg: z.string(),
  state: legStateSchema,
  /** when the leg entered this state */
  since: z.number(),
  /** for `down`: when the next connection attempt is due */
  retryAt: z.number().nullable(),
});

/**
 * A leg's outage began, took one more failed attempt, or ended (`outage.until` set). Published by the
 * server's outage tracker from the session events; the store keeps the latest of each outage.
 */
export const outageEventSchema = z.object({
  kind: z.literal('outage'),
  ts: z.number(),
  target: z.string(),
  leg: z.string(),
  outage: outageSchema,
});

export const verdictEventSchema = z.object({
  kind: z.literal('verdict'),
  ts: z.number(),
  target: z.string(),
  leg: z.null(),
  verdict: verdictSchema,
});

export const proberStallEventSchema = z.object({
  kind: z.literal('prober_stall'),
  ts: z.number(),
  target: z.null(),
  leg: z.null(),
  /** hopwatch's own event-loop delay, sampler resolution subtracted */
  delayMs: z.number(),
  thresholdMs: z.number(),
});

export const hopEventSchema = z.discriminatedUnion('kind', [
  sessionOpenEventSchema,
  sessionCloseEventSchema,
  rttEventSchema,
  legStateEventSchema,
  verdictEventSchema,
  proberStallEventSchema,
  outageEventSchema,
]);

export type SessionOpenEvent = z.infer<typeof sessionOpenEventSchema>;
export type SessionCloseEvent = z.infer<typeof sessionCloseEventSchema>;
export type RttEvent = z.infer<typeof rttEventSchema>;
export type LegStateEvent = z.infer<typeof legStateEventSchema>;
export type VerdictEvent = z.infer<typeof verdictEventSchema>;
export type OutageEvent = z.infer<typeof outageEventSchema>;
export type ProberStallEvent = z.infer<typeof proberStallEventSchema>;
export type HopEvent = z.infer<typeof hopEventSchema>;
export type HopEventKind = HopEvent['kind'];

/** An event with its place in the event log. `seq` is monotonic across restarts. */
export const storedEventSchema = z.object({ seq: z.number().int().nonnegative(), event: hopEventSchema });
export type StoredEvent = z.infer<typeof storedEventSchema>;

/** The session a session_open event starts: open, no cause yet (storage and the dashboard both need it). */
export function sessionFromOpen(event: SessionOpenEvent): Session {
  return {
    id: event.sessionId,
    target: event.target,
    leg: event.leg,
    openedAt: event.ts,
    closedAt: null,
    durationMs: null,
    silenceMs: null,
    cause: null,
    closeCode: null,
    closeReason: null,
    httpStatus: null,
    error: null,
    suspect: false,
    handshake: event.handshake,
  };
}
