// One connection's life on one leg, as stored, served by GET /api/sessions and carried by session events.
import { z } from 'zod';
import { causeSchema } from './causes.js';

/**
 * What a wss leg's server picks when a TLS client offers `h2, http/1.1` as browsers do, checked every few
 * minutes beside the leg's own connections: the facts behind the `h2-upgrade` signature (seed 001).
 */
export const alpnProbeSchema = z.object({
  checkedAt: z.number(),
  /** the protocol the server selected from `h2, http/1.1`; null when it selected none */
  selected: z.string().nullable(),
  /** h2 only: whether the server's SETTINGS advertise RFC 8441 extended CONNECT (WebSocket over h2) */
  extendedConnect: z.boolean().nullable(),
  /** why the check could not finish (TLS error, no SETTINGS within the timeout) */
  error: z.string().nullable(),
});
export type AlpnProbe = z.infer<typeof alpnProbeSchema>;

export const handshakeSchema = z.object({
  dnsMs: z.number().nullable(),
  tcpMs: z.number().nullable(),
  tlsMs: z.number().nullable(),
  upgradeMs: z.number().nullable(),
  /** what the leg's own connection negotiated (it offers only http/1.1, like any WebSocket client) */
  alpn: z.string().nullable(),
  remoteAddress: z.string().nullable(),
  /** wss legs: the latest ALPN check of the same endpoint; absent for ws legs and before the first check */
  alpnProbe: alpnProbeSchema.nullable().optional(),
});
export type Handshake = z.infer<typeof handshakeSchema>;

export const EMPTY_HANDSHAKE: Handshake = {
  dnsMs: null,
  tcpMs: null,
  tlsMs: null,
  upgradeMs: null,
  alpn: null,
  remoteAddress: null,
};

export const sessionSchema = z.object({
  id: z.string(),
  target: z.string(),
  leg: z.string(),
  openedAt: z.number(),
  /** null while the session is open */
  closedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  /** time since the last frame in either direction when the session ended: the evidence for idle timeouts */
  silenceMs: z.number().nullable(),
  /** null while open, and for sessions hopwatch ended itself (shutdown, reload): those are not drops */
  cause: causeSchema.nullable(),
  closeCode: z.number().int().nullable(),
  closeReason: z.string().nullable(),
  httpStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  /** hopwatch itself was stalled when this ended: never blamed on the path */
  suspect: z.boolean(),
  handshake: handshakeSchema,
});
export type Session = z.infer<typeof sessionSchema>;
