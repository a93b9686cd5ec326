// The real alert rules with time compressed, for the real-Prometheus test: every `for:` and every range
// selector in an expression divided by one factor, so the test runs the rules' own expressions, thresholds
// and labels in seconds instead of minutes (HopwatchLegDown's `for: 2m` becomes 5s at a factor of 24).
import { parse, stringify } from 'yaml';

const UNIT_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** Milliseconds of a Prometheus duration such as `2m`, `1h30m` or `500ms`. */
export function durationMs(text) {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`not a Prometheus duration: ${JSON.stringify(text)}`);
  }
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit], 0);
}

/** A duration divided by `factor`, in whole milliseconds and never under 1s (a scrape interval) unless 0. */
export function compress(text, factor) {
  if (durationMs(text) === 0) return '0s'; // `for: 0m` fires at once, compressed or not
  const ms = Math.max(1_000, Math.round(durationMs(text) / factor));
  return ms % 1_000 === 0 ? `${ms / 1_000}s` : `${ms}ms`;
}

/** The rules file text with its time compressed by `factor`. */
export function compressRules(rulesText, factor) {
  const file = parse(rulesText);
  for (const group of file.groups) {
    for (const rule of group.rules) {
      if (rule.for !== undefined) rule.for = compress(rule.for, factor);
      rule.expr = rule.expr.replace(/\[([0-9a-z]+)\]/g, (_, range) => `[${compress(range, factor)}]`);
    }
  }
  return stringify(file);
}
