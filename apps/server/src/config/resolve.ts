// From the validated file to the resolved config: defaults, coverage (`enters`/`covers` against the target's
// segments, plus each leg's private `<leg>:entry`), and the rules that span keys. Collects every problem
// instead of stopping at the first, so one run of check-config shows them all.
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { formatDuration } from '@hopwatch/shared/time';
import {
  CORRELATION_SLACK_MS,
  DEFAULT_HEARTBEAT,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_RECONNECT,
  DEFAULT_RETENTION_MS,
  DEFAULT_SQLITE,
  DEFAULT_STALL_THRESHOLD_MS,
  DEFAULT_VANTAGE,
  defaultConfig,
} from './defaults.js';
import { checkHeaders } from './headers.js';
import { resolveEvidence, resolvePrometheus } from './resolve-evidence.js';
import {
  type ConfigFile,
  describeInput,
  type HeartbeatFile,
  type LabFile,
  type LegFile,
  type TargetFile,
} from './schema.js';
import type {
  HeartbeatConfig,
  HopwatchConfig,
  LabConfig,
  LabScheduleConfig,
  LegConfig,
  TargetConfig,
  TlsConfig,
} from './types.js';

/** The segment no leg crosses: the user's own network (docs/spec.md#1-concepts). */
export const LAST_MILE = 'last-mile';
export const ENTRY_SUFFIX = ':entry';

export interface ResolveContext {
  /** where the file lives: relative paths in it (tls.ca, storage.sqlite) are resolved against this */
  baseDir: string;
  /** reads a file the config names (tls.ca); throws on failure */
  readFile(path: string): string;
}

export interface Problems {
  errors: string[];
  warnings: string[];
}

export function resolveConfig(
  file: ConfigFile,
  source: string | null,
  context: ResolveContext,
  problems: Problems,
): HopwatchConfig {
  const error = (path: string, message: string) => pushOnce(problems.errors, `${path}: ${message}`);
  const targets = (file.targets ?? []).map((target, index) => ({
    ...resolveTarget(target, `targets[${index}]`, context, problems),
    evidence: resolveEvidence(target.evidence, {
      path: `targets[${index}]`,
      target,
      prometheus: file.prometheus,
      error,
    }),
  }));

  const seen = new Map<string, number>();
  targets.forEach((target, index) => {
    const first = seen.get(target.name);
    if (first === undefined) seen.set(target.name, index);
    else error(`targets[${index}].name`, `duplicate target name "${target.name}" (also targets[${first}])`);
  });

  const sqlite = file.storage?.sqlite;
  const postgres = file.storage?.postgres ?? null;
  if (sqlite !== undefined && postgres !== null) {
    error('storage', 'set either sqlite or postgres, not both');
  }
  const vantage = file.vantage ?? DEFAULT_VANTAGE;
  return {
    server: {
      host: file.server?.host ?? DEFAULT_HOST,
      port: file.server?.port ?? DEFAULT_PORT,
      authToken: file.server?.authToken ?? '',
      allowedOrigins: file.server?.allowedOrigins ?? [],
      allowedHosts: file.server?.allowedHosts ?? [],
      trustProxy: file.server?.trustProxy ?? false,
    },
    storage: {
      sqlite: sqlite === undefined ? DEFAULT_SQLITE : fromBase(context.baseDir, sqlite),
      postgres,
      retentionMs: file.storage?.retention ?? DEFAULT_RETENTION_MS,
    },
    prober: { stallThresholdMs: file.prober?.stallThreshold ?? DEFAULT_STALL_THRESHOLD_MS },
    targets,
    lab: resolveLab(file.lab, targets.length, problems),
    vantage,
    prometheus: resolvePrometheus(file.prometheus, error),
    source,
  };
}

function resolveTarget(
  target: TargetFile,
  path: string,
  context: ResolveContext,
  problems: Problems,
): TargetConfig {
  const error = (at: string, message: string) => pushOnce(problems.errors, `${at}: ${message}`);

  const segmentIndex = new Map<string, number>();
  target.segments.forEach((segment, index) => {
    if (segment.includes(':')) {
      error(`${path}.segments[${index}]`, `must not contain ":" (reserved for <leg>${ENTRY_SUFFIX})`);
    } else if (segmentIndex.has(segment)) {
      error(`${path}.segments[${index}]`, `duplicate segment ${describeInput(segment)}`);
    } else {
      segmentIndex.set(segment, index);
    }
  });

  const legs = target.legs.map((leg, index) =>
    resolveLeg(leg, {
      path: `${path}.legs[${index}]`,
      targetPath: path,
      target,
      segmentIndex,
      context,
      problems,
    }),
  );

  const seen = new Map<string, number>();
  legs.forEach((leg, index) => {
    const first = seen.get(leg.name);
    if (first === undefined) seen.set(leg.name, index);
    else
      error(`${path}.legs[${index}].name`, `duplicate leg name "${leg.name}" (also ${path}.legs[${first}])`);
  });

  const largestTimeout = Math.max(0, ...legs.map((leg) => leg.heartbeat.timeoutMs));
  return {
    name: target.name,
    segments: target.segments,
    correlationWindowMs: target.correlationWindow ?? largestTimeout + CORRELATION_SLACK_MS,
    legs,
  };
}

interface LegScope {
  path: string;
  targetPath: string;
  target: TargetFile;
  segmentIndex: ReadonlyMap<string, number>;
  context: ResolveContext;
  problems: Problems;
}

function resolveLeg(leg: LegFile, scope: LegScope): LegConfig {
  const { path, problems } = scope;
  const error = (at: string, message: string) => pushOnce(problems.errors, `${at}: ${message}`);

  checkHeaders(leg.headers ?? {}, `${path}.headers`, error);
  if (leg.tls !== undefined && leg.url.toLowerCase().startsWith('ws://')) {
    pushOnce(problems.warnings, `${path}.tls: ignored, since the url is ws:// (no TLS)`);
  }

  leg.open?.forEach((step, index) => {
    checkPlaceholders(step.send, `${path}.open[${index}].send`, problems);
    checkPlaceholders(step.expect, `${path}.open[${index}].expect`, problems);
  });

  const reconnect = {
    initialMs: leg.reconnect?.initial ?? DEFAULT_RECONNECT.initialMs,
    maxMs: leg.reconnect?.max ?? DEFAULT_RECONNECT.maxMs,
  };
  if (reconnect.maxMs < reconnect.initialMs) {
    error(
      `${path}.reconnect.${leg.reconnect?.max === undefined ? 'initial' : 'max'}`,
      `max (${formatDuration(reconnect.maxMs)}) must be at least initial (${formatDuration(reconnect.initialMs)})`,
    );
  }

  return {
    name: leg.name,
    url: leg.url,
    enters: leg.enters ?? null,
    covers: resolveCovers(leg, scope),
    headers: leg.headers ?? {},
    subprotocols: leg.subprotocols ?? [],
    origin: leg.origin ?? null,
    tls: resolveTls(leg, scope),
    heartbeat: resolveHeartbeat(scope.target.heartbeat, leg.heartbeat, scope),
    reconnect,
    open: leg.open ?? [],
  };
}

/** The segments a leg crosses, in path order, then its private `<leg>:entry`. */
function resolveCovers(leg: LegFile, scope: LegScope): string[] {
  const { path, segmentIndex, target, problems } = scope;
  const error = (at: string, message: string) => pushOnce(problems.errors, `${at}: ${message}`);
  const known = `segments of target ${target.name}: ${listSome(target.segments)}`;
  const entry = `${leg.name}${ENTRY_SUFFIX}`;

  if (leg.enters !== undefined && leg.covers !== undefined) {
    error(path, 'set either enters or covers, not both');
    return [entry];
  }
  if (leg.enters !== undefined) {
    const start = segmentIndex.get(leg.enters);
    if (start === undefined) {
      error(`${path}.enters`, `${describeInput(leg.enters)} is not a segment (${known})`);
      return [entry];
    }
    if (leg.enters === LAST_MILE) {
      error(`${path}.enters`, `${LAST_MILE} is the user's own network and is crossed by no leg`);
      return [entry];
    }
    return [...target.segments.slice(start), entry];
  }
  if (leg.covers !== undefined) {
    if (leg.covers.length === 0) error(`${path}.covers`, 'must name at least one segment');
    const covered = new Set<string>();
    leg.covers.forEach((segment, index) => {
      const at = `${path}.covers[${index}]`;
      if (!segmentIndex.has(segment)) error(at, `${describeInput(segment)} is not a segment (${known})`);
      else if (segment === LAST_MILE)
        error(at, `${LAST_MILE} is the user's own network and is crossed by no leg`);
      else if (covered.has(segment)) error(at, `${describeInput(segment)} is listed twice`);
      covered.add(segment);
    });
    // Path order, whatever order the file lists them in, so every view of a leg reads the same.
    return [...target.segments.filter((segment) => covered.has(segment) && segment !== LAST_MILE), entry];
  }
  error(path, 'needs enters or covers (the segments this leg crosses)');
  return [entry];
}

function resolveTls(leg: LegFile, scope: LegScope): TlsConfig {
  const tls = leg.tls;
  let ca: string | null = null;
  if (tls?.ca !== undefined) {
    const file = fromBase(scope.context.baseDir, tls.ca);
    try {
      ca = scope.context.readFile(file);
    } catch (cause) {
      const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
      pushOnce(scope.problems.errors, `${scope.path}.tls.ca: cannot read ${file} (${reason})`);
    }
    if (ca !== null && !ca.includes('-----BEGIN CERTIFICATE-----')) {
      pushOnce(scope.problems.errors, `${scope.path}.tls.ca: ${file} holds no PEM certificate`);
      ca = null;
    }
  }
  return { insecure: tls?.insecure ?? false, ca, servername: tls?.servername ?? null };
}

// Exactly these spellings are filled in (probe/template.ts); anything else in {{ }} would be sent verbatim.
const PLACEHOLDER_RE = /\{\{[^}]*\}\}/g;
const PLACEHOLDERS = new Set(['{{seq}}', '{{ts}}']);

function checkPlaceholders(template: string, at: string, problems: Problems): void {
  for (const [placeholder] of template.matchAll(PLACEHOLDER_RE)) {
    if (!PLACEHOLDERS.has(placeholder)) {
      pushOnce(problems.errors, `${at}: unknown placeholder ${placeholder} (expected {{seq}} or {{ts}})`);
    }
  }
}

/** A leg's heartbeat: the defaults, then the target's keys, then the leg's own, key by key. */
function resolveHeartbeat(
  targetHeartbeat: HeartbeatFile | undefined,
  legHeartbeat: HeartbeatFile | undefined,
  scope: LegScope,
): HeartbeatConfig {
  const error = (at: string, message: string) => pushOnce(scope.problems.errors, `${at}: ${message}`);
  // Problems are reported where the deciding key was written, so a target-wide mistake is reported once.
  const where = (key: keyof HeartbeatFile) =>
    legHeartbeat?.[key] !== undefined
      ? `${scope.path}.heartbeat`
      : targetHeartbeat?.[key] !== undefined
        ? `${scope.targetPath}.heartbeat`
        : null;
  const pick = <K extends keyof HeartbeatFile>(key: K) => legHeartbeat?.[key] ?? targetHeartbeat?.[key];

  const heartbeat: HeartbeatConfig = {
    mode: pick('mode') ?? DEFAULT_HEARTBEAT.mode,
    intervalMs: pick('interval') ?? DEFAULT_HEARTBEAT.intervalMs,
    timeoutMs: pick('timeout') ?? DEFAULT_HEARTBEAT.timeoutMs,
    send: pick('send') ?? DEFAULT_HEARTBEAT.send,
    expect: pick('expect') ?? DEFAULT_HEARTBEAT.expect,
  };

  if (heartbeat.mode === 'message') {
    const modeAt = where('mode') ?? `${scope.path}.heartbeat`;
    for (const key of ['send', 'expect'] as const) {
      if (heartbeat[key] === '') error(`${where(key) ?? modeAt}.${key}`, 'is required when mode is message');
    }
  }
  for (const key of ['send', 'expect'] as const) {
    checkPlaceholders(heartbeat[key], `${where(key)}.${key}`, scope.problems);
  }
  // In listen mode the only guaranteed sign of life is the pong to a ping sent every interval, so a timeout
  // that is not longer than the interval would end healthy sessions. Other modes time each reply on its own.
  if (heartbeat.mode === 'listen' && heartbeat.timeoutMs <= heartbeat.intervalMs) {
    const at = where('timeout') ?? where('interval') ?? `${scope.path}.heartbeat`;
    error(
      `${at}.timeout`,
      `must be longer than interval (${formatDuration(heartbeat.intervalMs)}) in listen mode, ` +
        `where the pong to each interval's ping may be the only sign of life`,
    );
  }
  return heartbeat;
}

function resolveLab(lab: LabFile | undefined, targetCount: number, problems: Problems): LabConfig {
  const defaults = defaultConfig().lab;
  const heartbeat = {
    intervalMs: lab?.heartbeat?.interval ?? defaults.heartbeat.intervalMs,
    timeoutMs: lab?.heartbeat?.timeout ?? defaults.heartbeat.timeoutMs,
  };
  const schedule: LabScheduleConfig[] | null =
    lab?.schedule?.map((fault, index) => {
      const at = `lab.schedule[${index}]`;
      const onlyFor = { code: 'close', status: 'reject', age: 'cap' } as const;
      for (const [key, kind] of Object.entries(onlyFor)) {
        if (fault[key as keyof typeof onlyFor] !== undefined && fault.kind !== kind) {
          pushOnce(
            problems.errors,
            `${at}.${key}: applies only to kind ${kind} (this fault is ${fault.kind})`,
          );
        }
      }
      if (fault.duration >= fault.every) {
        pushOnce(problems.warnings, `${at}.duration: not shorter than every, so the fault never lifts`);
      }
      return {
        hop: fault.hop,
        kind: fault.kind,
        everyMs: fault.every,
        durationMs: fault.duration,
        offsetMs: fault.offset ?? 0,
        code: fault.code ?? null,
        status: fault.status ?? null,
        ageMs: fault.age ?? null,
      };
    }) ?? null;

  // A config with targets means "watch these": the lab joins only when asked (docs/spec.md#7-built-in-lab).
  const enabled = lab?.enabled ?? targetCount === 0;
  if (!enabled && targetCount === 0) {
    pushOnce(problems.warnings, 'lab.enabled: false and no targets: hopwatch has nothing to probe');
  }
  return { enabled, schedule, heartbeat };
}

function fromBase(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolvePath(baseDir, path);
}

/** The first few of a list, then how many in all: every error quoting 40,000 segments would be quadratic. */
function listSome(items: readonly string[], shown = 10): string {
  if (items.length <= shown) return items.join(', ');
  return `${items.slice(0, shown).join(', ')}, … (${items.length} in all)`;
}

/** Lines already in each list, so a config with 40,000 problems stays linear (list.includes would not). */
const listed = new WeakMap<string[], Set<string>>();

function pushOnce(list: string[], line: string): void {
  let seen = listed.get(list);
  if (!seen) {
    seen = new Set(list);
    listed.set(list, seen);
  }
  if (seen.has(line)) return;
  seen.add(line);
  list.push(line);
}
