// Targets as every vantage sees them together. Each instance configures only the legs it probes from where it
// runs; a shared store records each vantage's legs (vantage-registry.ts), and this merges them: every
// leg also covers `vantage:<its vantage>` (its own network up to the wider internet), and the target's
// segments start with the vantages, the outermost segments of every path. Attribution needs nothing else:
// a drop only one vantage's legs saw leaves that vantage's segment as the suspect, by the same set algebra.
import type { LegConfig, TargetConfig } from '../config/types.js';

export const VANTAGE_PREFIX = 'vantage:';

export function vantageSegment(vantage: string): string {
  return `${VANTAGE_PREFIX}${vantage}`;
}

/** A leg another vantage probes, as stored: enough to judge with and to show, no secrets. */
export interface StoredLeg {
  target: string;
  vantage: string;
  name: string;
  /** redacted */
  url: string;
  enters: string | null;
  /** including `vantage:<vantage>` */
  covers: string[];
  heartbeat: LegConfig['heartbeat'];
}

/** This instance's legs, each also covering its vantage's segment. */
export function withVantage(targets: readonly TargetConfig[], vantage: string): TargetConfig[] {
  const segment = vantageSegment(vantage);
  return targets.map((target) => ({
    ...target,
    segments: [segment, ...target.segments.filter((s) => s !== segment)],
    legs: target.legs.map((leg) => ({
      ...leg,
      covers: leg.covers.includes(segment) ? leg.covers : [segment, ...leg.covers],
    })),
  }));
}

/**
 * Own targets (already `withVantage`) joined with the legs other vantages stored for the same target names.
 * Targets only another vantage probes are left out: this instance has no config (segments, window) for them.
 */
export function mergeVantages(own: readonly TargetConfig[], stored: readonly StoredLeg[]): TargetConfig[] {
  return own.map((target) => {
    const mine = new Set(target.legs.map((leg) => leg.name));
    const foreign = stored.filter((leg) => leg.target === target.name && !mine.has(leg.name));
    const vantages = [...new Set(foreign.map((leg) => vantageSegment(leg.vantage)))].filter(
      (segment) => !target.segments.includes(segment),
    );
    return {
      ...target,
      segments: [...vantages, ...target.segments],
      legs: [...target.legs, ...foreign.map(foreignLeg)],
    };
  });
}

/** The vantage a leg probes from, read off its coverage; null when it has none (SQLite, one instance). */
export function vantageOf(leg: Pick<LegConfig, 'covers'>): string | null {
  const segment = leg.covers.find((s) => s.startsWith(VANTAGE_PREFIX));
  return segment === undefined ? null : segment.slice(VANTAGE_PREFIX.length);
}

function foreignLeg(leg: StoredLeg): LegConfig {
  return {
    name: leg.name,
    url: leg.url,
    enters: leg.enters,
    covers: leg.covers,
    headers: {},
    subprotocols: [],
    origin: null,
    tls: { insecure: false, ca: null, servername: null },
    heartbeat: leg.heartbeat,
    reconnect: { initialMs: 0, maxMs: 0 },
    open: [],
  };
}
