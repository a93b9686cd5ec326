// Small English helpers for summaries and evidence lines, so every sentence lists things the same way.
import { formatDuration } from '../time/duration.js';

/** "a", "a and b", "a, b and c" */
export function listAnd(items: readonly string[]): string {
  return joinList(items, 'and');
}

/** "a", "a or b", "a, b or c" */
export function listOr(items: readonly string[]): string {
  return joinList(items, 'or');
}

function joinList(items: readonly string[], word: string): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}

/** "1 heartbeat", "3 heartbeats" */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A clock time for evidence lines, e.g. "12:00:01.250Z"; the date is on the verdict already. */
export function clockTime(ts: number): string {
  return new Date(ts).toISOString().slice(11);
}

/** An age or silence as evidence gives it: "480ms", "99.8s", "100s"; long ones as "1h 30m". */
export function age(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms >= 600_000) return formatDuration(ms);
  return `${Number((ms / 1_000).toFixed(1))}s`;
}
