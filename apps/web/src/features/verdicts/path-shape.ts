// A verdict drawn on the target's path: the segments from last-mile to the app, the suspects among them, and
// each leg as the span of segments it covers, marked by what it did (dropped, stayed clean, unknown).
// Pure; the diagram only lays out what this returns.
import type { Verdict } from '@hopwatch/shared/protocol';
import { isVantageSegment } from '../legs/vantage-groups';

export type LegRole = 'dropped' | 'clean' | 'unknown' | 'absent';

export interface PathColumn {
  segment: string;
  suspect: boolean;
  /** a vantage segment (`vantage:<name>`): one hopwatch instance's own network, the outermost of a path */
  vantage?: true;
}

export interface PathLegRow {
  leg: string;
  role: LegRole;
  /** per column: whether this leg crosses that segment */
  covered: boolean[];
  /** the leg's private `<leg>:entry` segment (its DNS name, listener, port) */
  entry: { suspect: boolean } | null;
  /** index of the first covered column, where the entry is drawn; -1 when none */
  firstColumn: number;
}

export interface PathShape {
  columns: PathColumn[];
  rows: PathLegRow[];
  /** suspects that are neither a segment of the path nor a leg entry (shown as text) */
  otherSuspects: string[];
}

export function entrySegment(leg: string): string {
  return `${leg}:entry`;
}

export function shapePath(
  segments: readonly string[],
  legs: readonly { name: string; covers: readonly string[] }[],
  verdict: Pick<Verdict, 'dropped' | 'clean' | 'unknown' | 'suspects'>,
): PathShape {
  const suspects = new Set(verdict.suspects);
  const columns = segments.map(
    (segment): PathColumn => ({
      segment,
      suspect: suspects.has(segment),
      ...(isVantageSegment(segment) ? { vantage: true as const } : {}),
    }),
  );
  const rows = legs.map((leg): PathLegRow => {
    const covers = new Set(leg.covers);
    const covered = segments.map((segment) => covers.has(segment));
    const hasEntry = covers.has(entrySegment(leg.name));
    return {
      leg: leg.name,
      role: roleOf(leg.name, verdict),
      covered,
      entry: hasEntry ? { suspect: suspects.has(entrySegment(leg.name)) } : null,
      firstColumn: covered.indexOf(true),
    };
  });
  const known = new Set([...segments, ...legs.map((leg) => entrySegment(leg.name))]);
  return { columns, rows, otherSuspects: verdict.suspects.filter((s) => !known.has(s)) };
}

function roleOf(leg: string, verdict: Pick<Verdict, 'dropped' | 'clean' | 'unknown'>): LegRole {
  if (verdict.dropped.includes(leg)) return 'dropped';
  if (verdict.clean.includes(leg)) return 'clean';
  if (verdict.unknown.includes(leg)) return 'unknown';
  return 'absent';
}
