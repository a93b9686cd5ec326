// How an outage reads on screen: "down 1m 12s, 6 attempts, last: 403". Pure, tested with a table.
import type { LegOutage } from '@hopwatch/shared/protocol';
import { formatDuration } from '@hopwatch/shared/time';
import { CAUSE_LABELS } from '../../components/ui/causes';

export interface OutageBandView {
  from: number;
  to: number;
  /** still going on */
  open: boolean;
  label: string;
}

/** The sentence for an outage that began at `since` and lasted until `until` (or `now` while open). */
export function describeOutage(outage: LegOutage & { until?: number | null }, now: number): string {
  const end = outage.until ?? now;
  const parts = [`down ${formatDuration(Math.max(0, end - outage.since))}`];
  if (outage.attempts > 0) parts.push(`${outage.attempts} ${outage.attempts === 1 ? 'attempt' : 'attempts'}`);
  parts.push(`last: ${lastFailure(outage)}`);
  return parts.join(', ');
}

/** The latest failure in its most telling form: the HTTP status, else the error's first word, else the cause. */
export function lastFailure(outage: Pick<LegOutage, 'lastCause' | 'lastError' | 'lastHttpStatus'>): string {
  if (outage.lastHttpStatus !== null) return String(outage.lastHttpStatus);
  const errno = outage.lastError?.match(/^[A-Z][A-Z0-9_]+/)?.[0];
  return errno ?? CAUSE_LABELS[outage.lastCause];
}

/** The bands of the outages overlapping [from, to] (open ones reach `now`), oldest first. */
export function outageBands(
  outages: readonly (LegOutage & { until: number | null })[],
  from: number,
  to: number,
  now: number,
): OutageBandView[] {
  return outages
    .filter((o) => o.since <= to && (o.until ?? now) >= from)
    .map((o) => ({
      from: Math.max(from, o.since),
      to: Math.min(to, o.until ?? now),
      open: o.until === null,
      label: describeOutage(o, now),
    }))
    .sort((a, b) => a.from - b.from);
}
