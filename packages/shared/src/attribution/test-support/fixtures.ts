// Builders for the attribution tests: targets, sessions and heartbeats, so each case reads as a row of a table.
// Not part of the build (tsconfig.build.json excludes test-support/).
import type { Cause } from '../../protocol/causes.js';
import { EMPTY_HANDSHAKE, type Handshake, type Session } from '../../protocol/session.js';
import type { Drop, HeartbeatSample, LegFacts, TargetFacts } from '../types.js';

export const S = 1_000;
/** A fixed "now" so expectations never depend on the clock: 2026-06-10T12:00:00Z. */
export const T0 = Date.UTC(2026, 5, 10, 12, 0, 0);

export interface HeartbeatTiming {
  intervalMs: number;
  timeoutMs: number;
}
export const SEED_003_HEARTBEAT: HeartbeatTiming = { intervalMs: 10 * S, timeoutMs: 20 * S };

/** A target whose legs each enter the path at one segment and cross the rest (the config's `enters`). */
export function nestedTarget(
  name: string,
  segments: readonly string[],
  enters: Record<string, string>,
  heartbeat: HeartbeatTiming = SEED_003_HEARTBEAT,
): TargetFacts {
  const legs = Object.entries(enters).map(([leg, segment]) => {
    const start = segments.indexOf(segment);
    if (start < 0) throw new Error(`fixture: ${segment} is not a segment`);
    return legFacts(leg, segments.slice(start), heartbeat);
  });
  return { name, segments, correlationWindowMs: heartbeat.timeoutMs + 5 * S, legs };
}

/** A leg crossing exactly `covers` (the config's explicit `covers`), plus its private entry. */
export function legFacts(name: string, covers: readonly string[], heartbeat = SEED_003_HEARTBEAT): LegFacts {
  return {
    name,
    covers: [...covers, `${name}:entry`],
    heartbeatIntervalMs: heartbeat.intervalMs,
    heartbeatTimeoutMs: heartbeat.timeoutMs,
  };
}

/**
 * `target` probed from several vantages sharing a store (docs/vantages.md): each leg carries its vantage and
 * also covers `vantage:<its vantage>`, and the target's segments start with the vantages' segments.
 */
export function atVantages(target: TargetFacts, vantages: Record<string, string>): TargetFacts {
  const segment = (vantage: string) => `vantage:${vantage}`;
  return {
    ...target,
    segments: [...new Set(Object.values(vantages))].map(segment).concat(target.segments),
    legs: target.legs.map((leg) => {
      const vantage = vantages[leg.name];
      if (vantage === undefined) throw new Error(`fixture: no vantage for leg ${leg.name}`);
      return { ...leg, vantage, covers: [segment(vantage), ...leg.covers] };
    }),
  };
}

/** Seed 003's t3 target: cloudflare enters at cloudflare, internal at traefik, t3serve at t3-serve. */
export const T3 = nestedTarget(
  't3',
  ['last-mile', 'cloudflare', 'tunnel', 'traefik', 'dispatch', 't3-serve'],
  {
    cloudflare: 'cloudflare',
    internal: 'traefik',
    t3serve: 't3-serve',
  },
);

let nextId = 0;
function freshId(leg: string): string {
  nextId += 1;
  return `${leg}-${nextId}`;
}

export interface SessionSpec {
  leg: string;
  openedAt: number;
  closedAt?: number | null;
  cause?: Cause | null;
  silenceMs?: number | null;
  suspect?: boolean;
  closeCode?: number | null;
  httpStatus?: number | null;
  handshake?: Partial<Handshake>;
  id?: string;
  target?: string;
}

export function session(spec: SessionSpec): Session {
  const closedAt = spec.closedAt ?? null;
  return {
    id: spec.id ?? freshId(spec.leg),
    target: spec.target ?? 't3',
    leg: spec.leg,
    openedAt: spec.openedAt,
    closedAt,
    durationMs: closedAt === null ? null : closedAt - spec.openedAt,
    silenceMs: spec.silenceMs ?? null,
    cause: spec.cause ?? null,
    closeCode: spec.closeCode ?? null,
    closeReason: null,
    httpStatus: spec.httpStatus ?? null,
    error: null,
    suspect: spec.suspect ?? false,
    handshake: { ...EMPTY_HANDSHAKE, ...spec.handshake },
  };
}

/** A drop: a session the path ended at `closedAt` after `durationMs` (0 for a failed attempt). */
export function drop(
  leg: string,
  closedAt: number,
  options: Omit<SessionSpec, 'leg' | 'openedAt' | 'closedAt'> & { durationMs?: number } = {},
): Drop {
  const { durationMs = 3_600 * S, ...rest } = options;
  return session({ cause: 'reset', ...rest, leg, openedAt: closedAt - durationMs, closedAt }) as Drop;
}

/** Heartbeats of one session every `intervalMs` in [from, to]; `rtt(i)` gives each one's RTT, null = lost. */
export function heartbeats(
  of: Pick<Session, 'leg' | 'id'>,
  from: number,
  to: number,
  intervalMs: number,
  rtt: (index: number) => number | null = () => 20,
  suspect: (index: number) => boolean = () => false,
): HeartbeatSample[] {
  const samples: HeartbeatSample[] = [];
  for (let ts = from, i = 0; ts <= to; ts += intervalMs, i += 1) {
    samples.push({ leg: of.leg, sessionId: of.id, ts, rttMs: rtt(i), suspect: suspect(i) });
  }
  return samples;
}

/** How a leg behaved around a drop, in the words of the runbook. */
export type LegStory =
  | 'dropped'
  | 'clean'
  | 'down'
  | 'connecting'
  | 'lost-heartbeat'
  | 'dropped-while-stalled'
  | 'stalled-heartbeat';

export interface Story {
  drops: Drop[];
  sessions: Session[];
  samples: HeartbeatSample[];
}

/**
 * The sessions and heartbeats of every leg of `target` around a drop at `at`. Dropped legs drop 50ms apart in
 * the order given; every other leg's state holds through two correlation windows either side.
 */
export function story(target: TargetFacts, at: number, legs: Record<string, LegStory>): Story {
  const span = 2 * target.correlationWindowMs;
  const out: Story = { drops: [], sessions: [], samples: [] };
  let order = 0;
  for (const [name, kind] of Object.entries(legs)) {
    const leg = target.legs.find((l) => l.name === name);
    if (leg === undefined) throw new Error(`fixture: ${target.name} has no leg ${name}`);
    const every = leg.heartbeatIntervalMs;
    if (kind === 'dropped' || kind === 'dropped-while-stalled') {
      const closedAt = at + 50 * order;
      order += 1;
      const d = drop(name, closedAt, { target: target.name, suspect: kind === 'dropped-while-stalled' });
      out.drops.push(d);
      out.sessions.push(d);
      out.samples.push(...heartbeats(d, at - span, closedAt - every, every));
      continue;
    }
    if (kind === 'down') continue;
    const openedAt = kind === 'connecting' ? at + 3 * S : at - 3_600 * S;
    const up = session({ leg: name, target: target.name, openedAt });
    out.sessions.push(up);
    // The spoiled heartbeat is the first at or after the drop: that is when a clean leg must answer.
    const from = Math.max(openedAt, at - span);
    const atDrop = Math.ceil((at - from) / every);
    const lostAt = kind === 'lost-heartbeat' ? atDrop : -1;
    const suspectAt = kind === 'stalled-heartbeat' ? atDrop : -1;
    out.samples.push(
      ...heartbeats(
        up,
        from,
        at + span,
        every,
        (i) => (i === lostAt ? null : 20),
        (i) => i === suspectAt,
      ),
    );
  }
  return out;
}
