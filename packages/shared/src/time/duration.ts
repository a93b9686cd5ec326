// Durations as the config writes them: "500ms", "10s", "2m", "1h", "30d". Parsed once at the boundary.

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

export type DurationParse = { ok: true; ms: number } | { ok: false; message: string };

/** Parses a duration string into milliseconds; never throws. */
export function parseDuration(text: string): DurationParse {
  const match = DURATION_RE.exec(text.trim());
  if (!match) {
    return {
      ok: false,
      message: `must be a duration like 500ms, 10s, 2m, 1h or 30d (got ${JSON.stringify(text)})`,
    };
  }
  const value = Number(match[1]);
  const ms = Math.round(value * UNIT_MS[match[2] as Unit]);
  if (!Number.isFinite(ms)) return { ok: false, message: `is too large (got ${JSON.stringify(text)})` };
  return { ok: true, ms };
}

const PLAIN_MS_RE = /^\d{1,15}$/;

/** A duration where plain digits mean milliseconds, as query strings write steps: "60000" or "1m". */
export function parseDurationOrMs(text: string): DurationParse {
  const trimmed = text.trim();
  if (PLAIN_MS_RE.test(trimmed)) return { ok: true, ms: Number(trimmed) };
  const parsed = parseDuration(trimmed.length > 64 ? `${trimmed.slice(0, 64)}…` : trimmed);
  return parsed.ok ? parsed : { ok: false, message: `${parsed.message}, or milliseconds` };
}

/** Formats milliseconds with the largest unit that keeps it short and exact enough for a human. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${sign}${Math.round(abs)}ms`;
  if (abs < 60_000) return `${sign}${trim(abs / 1_000)}s`;
  if (abs < 3_600_000) return `${sign}${Math.floor(abs / 60_000)}m${secondsPart(abs % 60_000)}`;
  if (abs < 86_400_000) return `${sign}${Math.floor(abs / 3_600_000)}h${minutesPart(abs % 3_600_000)}`;
  return `${sign}${Math.floor(abs / 86_400_000)}d${hoursPart(abs % 86_400_000)}`;
}

function trim(value: number): string {
  return value >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
}
function secondsPart(rest: number): string {
  const s = Math.round(rest / 1_000);
  return s > 0 ? ` ${s}s` : '';
}
function minutesPart(rest: number): string {
  const m = Math.round(rest / 60_000);
  return m > 0 ? ` ${m}m` : '';
}
function hoursPart(rest: number): string {
  const h = Math.round(rest / 3_600_000);
  return h > 0 ? ` ${h}h` : '';
}
