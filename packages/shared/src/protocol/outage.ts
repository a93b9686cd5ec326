// A leg's outage (docs/spec.md#1-concepts): from the drop of an established session (or the first failed attempt of a
// leg that never connected) until a session is established again. Served by GET /api/outages and
// GET /api/targets, carried by `outage` events, stored by the store's projection.
import { z } from 'zod';
import { causeSchema } from './causes.js';

export const outageSchema = z.object({
  target: z.string(),
  leg: z.string(),
  /** when the outage began: the established session's drop, or the first failed attempt */
  since: z.number(),
  /** when a session was established again; null while the outage is open */
  until: z.number().nullable(),
  /** until − since; null while open */
  durationMs: z.number().nullable(),
  /** the cause of the drop (or failed attempt) that began the outage */
  firstCause: causeSchema,
  /** the cause of its latest failed attempt (firstCause before any) */
  lastCause: causeSchema,
  /** failed connection attempts that belong to the outage */
  attempts: z.number().int().nonnegative(),
  /** the latest failure's error text (errno, TLS error, timeout), if any */
  lastError: z.string().nullable(),
  /** the latest failure's HTTP status, if the upgrade was answered */
  lastHttpStatus: z.number().int().nullable(),
});
export type Outage = z.infer<typeof outageSchema>;

/** The open outage of a leg, as GET /api/targets shows it beside the leg's state. */
export const legOutageSchema = outageSchema.pick({
  since: true,
  attempts: true,
  firstCause: true,
  lastCause: true,
  lastError: true,
  lastHttpStatus: true,
});
export type LegOutage = z.infer<typeof legOutageSchema>;

export const outagesResponseSchema = z.object({ outages: z.array(outageSchema) });
export type OutagesResponse = z.infer<typeof outagesResponseSchema>;
