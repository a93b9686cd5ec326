// HTTP API response and request shapes (docs/spec.md#4-http-api). The server builds them, the dashboard parses them.
import { z } from 'zod';
import { legStateSchema, storedEventSchema } from './events.js';
import { legOutageSchema } from './outage.js';
import { sessionSchema } from './session.js';
import { verdictSchema } from './verdict.js';

export const apiErrorSchema = z.object({ error: z.string(), message: z.string() });
export type ApiError = z.infer<typeof apiErrorSchema>;

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptimeS: z.number(),
});
export type Health = z.infer<typeof healthSchema>;

export const HEARTBEAT_MODES = ['message', 'ping', 'listen'] as const;
export const heartbeatModeSchema = z.enum(HEARTBEAT_MODES);
export type HeartbeatMode = z.infer<typeof heartbeatModeSchema>;

export const legStatsSchema = z.object({
  uptimeRatio1h: z.number().nullable(),
  /** established sessions the path ended in the last hour */
  drops1h: z.number().int(),
  /** failed connection attempts (connect_failed, handshake_rejected) in the last hour */
  failedAttempts1h: z.number().int(),
  rttP50Ms: z.number().nullable(),
  rttP99Ms: z.number().nullable(),
});
export type LegStats = z.infer<typeof legStatsSchema>;

export const legViewSchema = z.object({
  name: z.string(),
  /** secrets (userinfo, token-like query values) shown as *** */
  url: z.string(),
  /** the segment the leg enters, when configured with `enters` */
  enters: z.string().nullable(),
  /** every segment the leg crosses, including its private `<leg>:entry` */
  covers: z.array(z.string()),
  heartbeat: z.object({ mode: heartbeatModeSchema, intervalMs: z.number(), timeoutMs: z.number() }),
  /** up or down; connecting only before the leg's very first session and after a reload */
  state: legStateSchema,
  /** when the current up or down period began: failed retries never move it */
  since: z.number(),
  /** the open outage while the leg is down, else null */
  outage: legOutageSchema.nullable(),
  stats: legStatsSchema,
});
export type LegView = z.infer<typeof legViewSchema>;

export const targetViewSchema = z.object({
  name: z.string(),
  segments: z.array(z.string()),
  correlationWindowMs: z.number(),
  legs: z.array(legViewSchema),
});
export type TargetView = z.infer<typeof targetViewSchema>;
export const targetsResponseSchema = z.object({ targets: z.array(targetViewSchema) });
export type TargetsResponse = z.infer<typeof targetsResponseSchema>;

export const sessionsResponseSchema = z.object({ sessions: z.array(sessionSchema) });
export type SessionsResponse = z.infer<typeof sessionsResponseSchema>;

/** At most this many points come back from GET /api/rtt, whatever the range. */
export const RTT_MAX_POINTS = 2_000;

export const rttPointSchema = z.object({
  /** bucket start, epoch ms */
  t: z.number(),
  /** answered heartbeats in the bucket */
  n: z.number().int(),
  min: z.number().nullable(),
  p50: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
  /** heartbeats lost in the bucket */
  lost: z.number().int(),
  /** samples taken while hopwatch itself stalled */
  suspect: z.number().int(),
});
export type RttPoint = z.infer<typeof rttPointSchema>;
export const rttResponseSchema = z.object({ step: z.number(), points: z.array(rttPointSchema) });
export type RttResponse = z.infer<typeof rttResponseSchema>;

export const dropsResponseSchema = z.object({ drops: z.array(verdictSchema) });
export type DropsResponse = z.infer<typeof dropsResponseSchema>;
export const attributeResponseSchema = z.object({ verdict: verdictSchema });
export type AttributeResponse = z.infer<typeof attributeResponseSchema>;

export const eventsResponseSchema = z.object({
  events: z.array(storedEventSchema),
  lastSeq: z.number().int(),
});
export type EventsResponse = z.infer<typeof eventsResponseSchema>;

export const incidentSchema = z.object({
  id: z.string(),
  target: z.string(),
  from: z.number(),
  to: z.number(),
  title: z.string(),
  note: z.string(),
  createdAt: z.number(),
});
export type Incident = z.infer<typeof incidentSchema>;
export const incidentsResponseSchema = z.object({ incidents: z.array(incidentSchema) });
export type IncidentsResponse = z.infer<typeof incidentsResponseSchema>;
export const createIncidentSchema = z.object({
  target: z.string().min(1).max(100),
  from: z.union([z.number(), z.string()]),
  to: z.union([z.number(), z.string()]),
  title: z.string().min(1).max(200),
  note: z.string().max(10_000).default(''),
});
export type CreateIncident = z.input<typeof createIncidentSchema>;

// --- the built-in lab (docs/spec.md#7-built-in-lab); routes exist only in lab mode ---

export const LAB_HOPS = ['edge', 'lb', 'app'] as const;
/** The name of the built-in lab's target; a config target may not take it while the lab runs. */
export const LAB_TARGET = 'lab';
export const labHopSchema = z.enum(LAB_HOPS);
export type LabHop = z.infer<typeof labHopSchema>;

export const FAULT_KINDS = ['stall', 'reset', 'close', 'cap', 'reject', 'blackhole'] as const;
export const faultKindSchema = z.enum(FAULT_KINDS);
export type FaultKind = z.infer<typeof faultKindSchema>;

/**
 * Close codes a peer may send (RFC 6455 7.4): 1004-1006 and 1015 are reserved and never on the wire, 1016-2999
 * are unassigned. A hop sending another code makes the client fail with 1002 instead of showing it.
 */
export function isWireCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

const LAB_MAX_DURATION_MS = 24 * 3_600_000;
const wholeMs = (what: string) =>
  z
    .number({ error: `must be ${what} in milliseconds (a number)` })
    .int({ error: `must be ${what} in whole milliseconds` })
    .positive({ error: `must be ${what} of at least 1 ms` })
    .max(LAB_MAX_DURATION_MS, { error: `must be ${what} of at most 24 h (${LAB_MAX_DURATION_MS} ms)` });

export const labFaultRequestSchema = z.object({
  hop: z.enum(LAB_HOPS, { error: `must be one of ${LAB_HOPS.join(', ')}` }),
  kind: z.enum(FAULT_KINDS, { error: `must be one of ${FAULT_KINDS.join(', ')}` }),
  durationMs: wholeMs('a duration'),
  /** `close`: the close code to send (default 1012) */
  code: z
    .number({ error: 'must be a close code (a number)' })
    .int({ error: 'must be a whole close code' })
    .refine(isWireCloseCode, {
      error: 'must be a close code a peer may send: 1000-1003, 1007-1014 or 3000-4999',
    })
    .optional(),
  /** `reject`: the HTTP status to answer upgrades with (default 502) */
  status: z
    .number({ error: 'must be an HTTP status (a number)' })
    .int({ error: 'must be a whole HTTP status' })
    .min(300, { error: 'must be an HTTP status from 300 to 599 (an upgrade refusal)' })
    .max(599, { error: 'must be an HTTP status from 300 to 599 (an upgrade refusal)' })
    .optional(),
  /** `cap`: the session age at which to cut (default 100 s) */
  ageMs: wholeMs('a session age').optional(),
});
export type LabFaultRequest = z.infer<typeof labFaultRequestSchema>;

export const labFaultSchema = z.object({
  id: z.string(),
  hop: labHopSchema,
  kind: faultKindSchema,
  startedAt: z.number(),
  endsAt: z.number(),
  code: z.number().nullable(),
  status: z.number().nullable(),
  ageMs: z.number().nullable(),
  /** 'api' for faults a person injected, 'schedule' for the demo schedule */
  source: z.enum(['api', 'schedule']),
});
export type LabFault = z.infer<typeof labFaultSchema>;

export const labScheduleEntrySchema = z.object({
  hop: labHopSchema,
  kind: faultKindSchema,
  everyMs: z.number(),
  durationMs: z.number(),
  code: z.number().nullable(),
  status: z.number().nullable(),
  ageMs: z.number().nullable(),
  nextAt: z.number().nullable(),
});
export type LabScheduleEntry = z.infer<typeof labScheduleEntrySchema>;

/** DELETE /api/lab/faults: how many active faults were ended (POST /api/lab/faults answers the LabFault) */
export const labClearResponseSchema = z.object({ cleared: z.number().int() });
export type LabClearResponse = z.infer<typeof labClearResponseSchema>;

export const labStatusSchema = z.object({
  hops: z.array(z.object({ name: labHopSchema, port: z.number(), upstreamPort: z.number().nullable() })),
  faults: z.array(labFaultSchema),
  schedule: z.array(labScheduleEntrySchema),
});
export type LabStatus = z.infer<typeof labStatusSchema>;
