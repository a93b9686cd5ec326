// The `hopwatch check-config` report: what each leg crosses, and what that coverage can and cannot tell apart.
// Secrets are redacted: this text ends up pasted in tickets and chat.
import { formatDuration } from '@hopwatch/shared/time';
import { DEFAULT_VANTAGE } from './defaults.js';
import { redactHeaders, redactUrl } from './redact.js';
import { LAST_MILE } from './resolve.js';
import type { HopwatchConfig, LegConfig, PrometheusConfig, TargetConfig } from './types.js';

export function formatCheckReport(config: HopwatchConfig, warnings: readonly string[]): string {
  const { server, storage, lab } = config;
  const count = warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`;
  const lines = [
    // Not "OK" when the server would warn at start: a setting it ignores is a mistake to look at.
    warnings.length === 0
      ? `config OK: ${config.source ?? '(built-in lab)'}`
      : `config valid, with ${count} (below): ${config.source ?? '(built-in lab)'}`,
    `server: ${server.host}:${server.port}, authToken ${server.authToken === '' ? 'not set' : 'set'}, ` +
      `allowedOrigins: ${server.allowedOrigins.length === 0 ? 'none' : server.allowedOrigins.join(', ')}`,
    `storage: ${storage.postgres === null ? storage.sqlite : `postgres ${redactUrl(storage.postgres)}`}, ` +
      `retention ${formatDuration(storage.retentionMs)}`,
    ...(config.vantage === DEFAULT_VANTAGE ? [] : [`vantage: ${config.vantage}`]),
    `lab: ${lab.enabled ? `on, ${describeSchedule(lab.schedule)}` : 'off'}`,
    ...describePrometheus(config.prometheus),
  ];
  for (const target of config.targets) lines.push('', ...describeTarget(target));
  if (warnings.length > 0) lines.push('', 'warnings:', ...warnings.map((warning) => `  ${warning}`));
  return `${lines.join('\n')}\n`;
}

function describeSchedule(schedule: HopwatchConfig['lab']['schedule']): string {
  if (schedule === null) return 'default fault schedule';
  if (schedule.length === 0) return 'scheduled faults off';
  return `${schedule.length} scheduled fault${schedule.length === 1 ? '' : 's'}`;
}

function describeTarget(target: TargetConfig): string[] {
  const lines = [
    `target ${target.name} (correlation window ${formatDuration(target.correlationWindowMs)})`,
    `  segments: ${target.segments.join(', ')}`,
  ];
  for (const leg of target.legs) lines.push(...describeLeg(leg));
  for (const series of target.evidence ?? []) {
    lines.push(`  evidence ${series.name} on ${series.segment}: above ${series.above} in ${series.query}`);
  }
  lines.push(...coverageNotes(target));
  return lines;
}

/** Said only when set, so configs without evidence read as they always did. */
function describePrometheus(prometheus: PrometheusConfig | null): string[] {
  if (prometheus === null) return [];
  const headers = Object.entries(redactHeaders(prometheus.headers));
  const shown = headers.length === 0 ? '' : `, headers: ${headers.map(([n, v]) => `${n}: ${v}`).join(', ')}`;
  return [
    `prometheus: ${redactUrl(prometheus.url)}, timeout ${formatDuration(prometheus.timeoutMs)}${shown}`,
  ];
}

function describeLeg(leg: LegConfig): string[] {
  const how = leg.enters === null ? 'covers' : `enters ${leg.enters}`;
  const { mode, intervalMs, timeoutMs } = leg.heartbeat;
  const lines = [
    `  leg ${leg.name}: ${redactUrl(leg.url)}`,
    `    covers: ${leg.covers.join(', ')} (${how})`,
    `    heartbeat: ${mode} every ${formatDuration(intervalMs)}, timeout ${formatDuration(timeoutMs)}`,
  ];
  const headers = Object.entries(redactHeaders(leg.headers));
  if (headers.length > 0)
    lines.push(`    headers: ${headers.map(([name, value]) => `${name}: ${value}`).join(', ')}`);
  if (leg.open.length > 0) lines.push(`    open: ${leg.open.length} step${leg.open.length === 1 ? '' : 's'}`);
  return lines;
}

/**
 * Attribution can only tell segments apart when different legs cross them: segments crossed by exactly the
 * same legs are always suspected together, and a segment no leg crosses is never suspected at all.
 */
function coverageNotes(target: TargetConfig): string[] {
  // Linear in segments × legs: each segment's crossing legs come from one pass over every leg's covers.
  const crossing = new Map<string, string[]>();
  for (const leg of target.legs) {
    for (const segment of leg.covers) crossing.set(segment, [...(crossing.get(segment) ?? []), leg.name]);
  }
  const groups = new Map<string, string[]>();
  const uncovered: string[] = [];
  for (const segment of target.segments) {
    if (segment === LAST_MILE) continue;
    const legs = crossing.get(segment)?.join(', ');
    if (legs === undefined) uncovered.push(segment);
    else {
      const group = groups.get(legs);
      if (group) group.push(segment);
      else groups.set(legs, [segment]);
    }
  }
  const notes: string[] = [];
  for (const [legs, segments] of groups) {
    if (segments.length > 1) {
      notes.push(
        `  note: ${segments.join(', ')} are crossed by the same legs (${legs}): a verdict names them together`,
      );
    }
  }
  if (uncovered.length > 0) {
    notes.push(`  note: no leg crosses ${uncovered.join(', ')}: a drop there cannot be attributed`);
  }
  return notes;
}
