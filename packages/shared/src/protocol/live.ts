// The live stream on WS /api/live (docs/spec.md#4-http-api): JSON text frames, versioned, validated on both sides.
import { z } from 'zod';
import { hopEventSchema } from './events.js';

export const LIVE_PROTOCOL_VERSION = 1;
/** The server sends a heartbeat this often so a screen can tell a quiet system from a dead link. */
export const LIVE_HEARTBEAT_INTERVAL_MS = 5_000;
/** Messages from browsers larger than this close the socket with 1009. */
export const LIVE_MAX_CLIENT_MESSAGE_BYTES = 4 * 1024;
/** Close code for a client that could not keep up; it reconnects with `since` and loses nothing. */
export const LIVE_CLOSE_SLOW_CONSUMER = 1013;

export const helloMessageSchema = z.object({
  type: z.literal('hello'),
  v: z.literal(LIVE_PROTOCOL_VERSION),
  /** the newest stored sequence number when the connection opened */
  seq: z.number().int().nonnegative(),
  serverTime: z.number(),
});

export const eventMessageSchema = z.object({
  type: z.literal('event'),
  seq: z.number().int().nonnegative(),
  event: hopEventSchema,
});

export const heartbeatMessageSchema = z.object({
  type: z.literal('heartbeat'),
  serverTime: z.number(),
});

export const pongMessageSchema = z.object({
  type: z.literal('pong'),
  t: z.number(),
});

export const serverMessageSchema = z.discriminatedUnion('type', [
  helloMessageSchema,
  eventMessageSchema,
  heartbeatMessageSchema,
  pongMessageSchema,
]);
export type HelloMessage = z.infer<typeof helloMessageSchema>;
export type EventMessage = z.infer<typeof eventMessageSchema>;
export type HeartbeatMessage = z.infer<typeof heartbeatMessageSchema>;
export type PongMessage = z.infer<typeof pongMessageSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export const pingMessageSchema = z.object({
  type: z.literal('ping'),
  t: z.number().finite(),
});
export const clientMessageSchema = z.discriminatedUnion('type', [pingMessageSchema]);
export type PingMessage = z.infer<typeof pingMessageSchema>;
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

function parseJson<T>(schema: z.ZodType<T>, text: string): ParseResult<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, message: 'not valid JSON' };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      message: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    };
  }
  return { ok: true, value: parsed.data };
}

/** Parses a frame the browser received. */
export function parseServerMessage(text: string): ParseResult<ServerMessage> {
  return parseJson(serverMessageSchema, text);
}

/** Parses a frame a browser sent. */
export function parseClientMessage(text: string): ParseResult<ClientMessage> {
  return parseJson(clientMessageSchema, text);
}
