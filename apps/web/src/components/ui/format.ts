// Numbers as an operator reads them: milliseconds with sensible precision, ratios as percentages, times in
// the page's zone, ages as "3m 12s".
import { formatDuration } from '@hopwatch/shared/time';
import { dateTimeIn, offsetOf, zoneMode } from '../../lib/time-zone';

export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return formatDuration(ms);
}

export function formatRatio(ratio: number | null): string {
  if (ratio === null) return '—';
  if (ratio >= 1) return '100%';
  return `${(Math.floor(ratio * 1_000) / 10).toFixed(1)}%`;
}

export function formatAge(ms: number): string {
  return formatDuration(Math.max(0, ms));
}

/** `YYYY-MM-DD HH:MM:SS` in the page's zone (lib/time-zone.ts). */
export function formatDateTime(ms: number): string {
  return dateTimeIn(zoneMode.get(), ms);
}

/** The value a datetime-local input shows for a moment, in the page's zone. */
export function toLocalInput(ms: number): string {
  return dateTimeIn(zoneMode.get(), ms).replace(' ', 'T');
}

/** A datetime-local input's value read in the page's zone; NaN when it is not a time. */
export function fromLocalInput(text: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?/.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, sec] = m.map(Number) as number[];
  const asUtc = Date.UTC(y as number, (mo as number) - 1, d, h, mi, sec || 0);
  // The zone's offset at that moment: guess with the UTC reading, then correct once (daylight saving).
  const mode = zoneMode.get();
  const first = asUtc - offsetOf(mode, asUtc) * 60_000;
  return asUtc - offsetOf(mode, first) * 60_000;
}
