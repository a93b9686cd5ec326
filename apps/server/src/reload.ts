// SIGHUP: re-read the config and apply what can change live. An invalid file changes nothing (the running
// config stays); targets and legs go to the prober, which keeps the sessions of legs whose settings did not
// change. Settings bound at startup (listen address, storage, lab) are reported as needing a restart.

import type { LoadResult } from './config/load.js';
import type { HopwatchConfig, LegConfig, TargetConfig } from './config/types.js';
import type { ProberHandle } from './probe/types.js';

export interface ReloadTarget {
  config: HopwatchConfig;
  /** absent until the prober is wired into the runtime */
  prober?: ProberHandle;
  /** the running lab, whose target the prober watches beside the file's targets; the file cannot change it */
  lab?: { readonly target: TargetConfig } | null;
}

/** The slice of a pino/Fastify logger reloads write to. */
export interface ReloadLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export type ReloadOutcome =
  | { applied: true; changes: string[]; needsRestart: string[] }
  | { applied: false; errors: string[] };

export function applyReload(runtime: ReloadTarget, loaded: LoadResult, log: ReloadLog): ReloadOutcome {
  if (!loaded.ok) {
    log.error(
      { errors: loaded.errors },
      'config reload failed: the file is invalid, keeping the running config',
    );
    return { applied: false, errors: loaded.errors };
  }
  for (const warning of loaded.warnings) log.warn({ warning }, 'config warning');

  const previous = runtime.config;
  const next = loaded.config;
  const lab = runtime.lab?.target;
  const fileTargets = previous.targets.filter((target) => target !== lab);
  const changes = describeTargetChanges(fileTargets, next.targets);
  const needsRestart = startupKeyChanges(previous, next);

  // Only targets change live, so the runtime's config keeps describing what actually runs; the lab target
  // stays wherever the runtime put it, and the prober keeps watching it.
  const keptLab = lab !== undefined && previous.targets.includes(lab) ? [lab] : [];
  // prometheus is read on every evidence query, so it changes live too.
  runtime.config = { ...previous, prometheus: next.prometheus, targets: [...next.targets, ...keptLab] };
  runtime.prober?.apply(lab === undefined ? next.targets : [...next.targets, lab]);

  if (changes.length === 0 && needsRestart.length === 0) log.info({}, 'config reloaded: nothing changed');
  else if (changes.length > 0) log.info({ changes }, 'config reloaded');
  if (needsRestart.length > 0) {
    log.warn({ keys: needsRestart }, 'config reloaded, but these keys take effect only after a restart');
  }
  return { applied: true, changes, needsRestart };
}

/** Human lines naming what changed, by key, never by value (values may be secrets). */
export function describeTargetChanges(
  before: readonly TargetConfig[],
  after: readonly TargetConfig[],
): string[] {
  const lines: string[] = [];
  const old = new Map(before.map((target) => [target.name, target]));
  const current = new Set(after.map((target) => target.name));
  for (const target of before) if (!current.has(target.name)) lines.push(`target ${target.name} removed`);
  for (const target of after) {
    const was = old.get(target.name);
    if (was === undefined) {
      lines.push(`target ${target.name} added (legs ${target.legs.map((leg) => leg.name).join(', ')})`);
      continue;
    }
    const targetKeys = (['segments', 'correlationWindowMs', 'evidence'] as const).filter(
      (key) => !sameValue(was[key], target[key]),
    );
    if (targetKeys.length > 0) lines.push(`target ${target.name}: ${targetKeys.join(', ')} changed`);
    lines.push(...describeLegChanges(target.name, was.legs, target.legs));
  }
  return lines;
}

function describeLegChanges(
  target: string,
  before: readonly LegConfig[],
  after: readonly LegConfig[],
): string[] {
  const lines: string[] = [];
  const old = new Map(before.map((leg) => [leg.name, leg]));
  const current = new Set(after.map((leg) => leg.name));
  for (const leg of before) if (!current.has(leg.name)) lines.push(`leg ${target}/${leg.name} removed`);
  for (const leg of after) {
    const was = old.get(leg.name);
    if (was === undefined) {
      lines.push(`leg ${target}/${leg.name} added`);
      continue;
    }
    const keys = (Object.keys(leg) as (keyof LegConfig)[]).filter((key) => !sameValue(was[key], leg[key]));
    if (keys.length > 0) lines.push(`leg ${target}/${leg.name}: ${keys.join(', ')} changed`);
  }
  return lines;
}

function startupKeyChanges(before: HopwatchConfig, after: HopwatchConfig): string[] {
  const sections = ['server', 'storage', 'prober', 'lab'] as const;
  return sections.flatMap((section) => {
    const was = before[section] as unknown as Record<string, unknown>;
    const now = after[section] as unknown as Record<string, unknown>;
    return Object.keys(now)
      .filter((key) => !sameValue(was[key], now[key]))
      .map((key) => `${section}.${key.replace(/Ms$/, '')}`); // the YAML spelling: retentionMs → retention
  });
}

/** Resolved configs are plain data built in a fixed key order, so their JSON compares them exactly. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
