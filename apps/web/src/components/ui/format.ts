// Numbers as an operator reads them: milliseconds with sensible precision, ratios as percentages, times as
// local HH:MM:SS, ages as "3m 12s".
import { formatDuration } from '@hopwatch/shared/time';
import { formatClock } from '../../lib/live/live-link';

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

export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(ms)}`;
}

/** The value a datetime-local input shows for a moment, in the viewer's local time. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
