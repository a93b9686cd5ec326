// GET /api/targets: every configured target with its segments and legs, each leg's state from the prober
// and its last-hour numbers from the store. Leg URLs are redacted: they may carry tokens.
import { type LegView, type TargetsResponse, targetsResponseSchema } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { redactUrl } from '../../../config/redact.js';
import { withApiErrors } from '../../../plugins/zod-schemas.js';
import type { ApiSources } from '../sources.js';
import { legStats, RTT_WINDOW_MS, UPTIME_WINDOW_MS } from './leg-stats.js';
import { remoteLegState } from './remote-leg-state.js';

/** more sessions than a leg reconnecting at the 1 s backoff floor opens in an hour */
const SESSIONS_PER_HOUR_CAP = 10_000;

export const targetsQuerySchema = z.object({});

export async function targetsRoutes(app: FastifyInstance, sources: ApiSources): Promise<void> {
  const schema = {
    summary: "Targets with segments and legs, each leg's state and last-hour numbers",
    querystring: targetsQuerySchema,
    response: withApiErrors({ 200: targetsResponseSchema }),
  };
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/api/targets', { schema }, async (): Promise<TargetsResponse> => {
      const now = sources.now();
      const status = new Map(sources.legStatus().map((s) => [`${s.target}\u0000${s.leg}`, s]));
      // Every target's and leg's reads at once: a store across the network answers them in parallel.
      const targets = await Promise.all(
        sources.targets().map(async (target) => {
          const samples = await sources.store.rttSamples({
            target: target.name,
            from: now - RTT_WINDOW_MS,
            to: now,
          });
          const legs = await Promise.all(
            target.legs.map(async (leg): Promise<LegView> => {
              const sessions = await sources.store.sessions({
                target: target.name,
                leg: leg.name,
                from: now - UPTIME_WINDOW_MS,
                to: now,
                limit: SESSIONS_PER_HOUR_CAP,
              });
              const legStatus = status.get(`${target.name}\u0000${leg.name}`);
              // The outage tracker knows the leg from its sessions; before the first, the prober's connecting.
              const condition = sources.legCondition(target.name, leg.name);
              const remote = remoteLegState(sessions, now);
              return {
                name: leg.name,
                url: redactUrl(leg.url),
                enters: leg.enters,
                covers: leg.covers,
                heartbeat: {
                  mode: leg.heartbeat.mode,
                  intervalMs: leg.heartbeat.intervalMs,
                  timeoutMs: leg.heartbeat.timeoutMs,
                },
                // The outage tracker, then the prober; a leg neither knows is another vantage's: its sessions tell.
                state: condition?.state ?? legStatus?.state ?? remote.state,
                since: condition?.since ?? legStatus?.since ?? remote.since,
                outage: condition?.state === 'down' ? condition.outage : null,
                stats: legStats(
                  sessions,
                  samples.filter((s) => s.leg === leg.name),
                  now,
                ),
              };
            }),
          );
          return {
            name: target.name,
            segments: target.segments,
            correlationWindowMs: target.correlationWindowMs,
            legs,
          };
        }),
      );
      return { targets } satisfies TargetsResponse;
    });
}
