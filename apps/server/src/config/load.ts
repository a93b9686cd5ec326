// Loads a config file: read, YAML, ${ENV} substitution, schema, resolution, command-line overrides.
// Never throws for anything a user wrote: every problem becomes one line naming the key path.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { LAB_TARGET } from '@hopwatch/shared/protocol';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { defaultConfig } from './defaults.js';
import { formatKeyPath } from './key-path.js';
import { type Problems, resolveConfig } from './resolve.js';
import { configSchema, describeInput } from './schema.js';
import type { HopwatchConfig } from './types.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Command-line flags that override the file (docs/spec.md#3-command-line); null/false: not given. */
export interface ConfigOverrides {
  host: string | null;
  port: number | null;
  /** directory for the SQLite file: storage.sqlite becomes DIR/hopwatch.db */
  data: string | null;
  /** --lab: start the built-in lab even when the config has targets */
  lab: boolean;
}

export const NO_OVERRIDES: ConfigOverrides = { host: null, port: null, data: null, lab: false };

export type LoadResult =
  | { ok: true; config: HopwatchConfig; warnings: string[] }
  | { ok: false; errors: string[] };

export interface LoadOptions {
  env: Env;
  overrides?: ConfigOverrides;
}

/** Reads and loads a config file. */
export function loadConfigFile(file: string, options: LoadOptions): LoadResult {
  const source = resolvePath(file);
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (cause) {
    const err = cause as NodeJS.ErrnoException;
    return { ok: false, errors: [`cannot read config file ${source} (${err.code ?? err.message})`] };
  }
  return loadConfigText(text, {
    ...options,
    source,
    baseDir: dirname(source),
    readFile: (path) => readFileSync(path, 'utf8'),
  });
}

export interface LoadTextOptions extends LoadOptions {
  source: string | null;
  baseDir: string;
  readFile(path: string): string;
}

/** Loads config text; the file system is reached only through `readFile`, for files the config names. */
export function loadConfigText(text: string, options: LoadTextOptions): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, merge: true, prettyErrors: false, lineCounter });
  const at = (pos: readonly [number, number]) => {
    const { line, col } = lineCounter.linePos(pos[0]);
    return `line ${line}, column ${col}`;
  };
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => `${at(e.pos)}: YAML syntax error: ${e.message}`) };
  }
  const problems: Problems = { errors: [], warnings: doc.warnings.map((w) => `${at(w.pos)}: ${w.message}`) };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    return { ok: false, errors: [`YAML error: ${(cause as Error).message}`] };
  }
  // An empty file is a config with every default.
  const tree = substituteEnv(dropNulls(raw ?? {}), [], options.env, problems);
  const parsed = configSchema.safeParse(tree, { error: describeIssue });
  if (!parsed.success) {
    return { ok: false, errors: mergeSchemaErrors(problems.errors, parsed.error.issues) };
  }
  if (problems.errors.length > 0) return { ok: false, errors: problems.errors };

  const resolved = resolveConfig(parsed.data, options.source, options, problems);
  const config = applyOverrides(resolved, options.overrides ?? NO_OVERRIDES);
  if (config.lab.enabled) {
    config.targets.forEach((target, index) => {
      if (target.name === LAB_TARGET) {
        problems.errors.push(
          `targets[${index}].name: "${LAB_TARGET}" is the built-in lab's target; rename it or disable the lab`,
        );
      }
    });
  }
  if (problems.errors.length > 0) return { ok: false, errors: problems.errors };
  return { ok: true, config, warnings: [...problems.warnings, ...exposureWarnings(config)] };
}

/** The config hopwatch runs with when there is no file: the built-in lab, plus any flags. */
export function zeroConfig(overrides: ConfigOverrides = NO_OVERRIDES): HopwatchConfig {
  return applyOverrides(defaultConfig(), overrides);
}

/** Flags win over the file (docs/spec.md#3-command-line). */
export function applyOverrides(config: HopwatchConfig, overrides: ConfigOverrides): HopwatchConfig {
  return {
    ...config,
    server: {
      ...config.server,
      host: overrides.host ?? config.server.host,
      port: overrides.port ?? config.server.port,
    },
    storage: {
      ...config.storage,
      sqlite: overrides.data === null ? config.storage.sqlite : join(overrides.data, 'hopwatch.db'),
    },
    lab: { ...config.lab, enabled: config.lab.enabled || overrides.lab },
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function exposureWarnings(config: HopwatchConfig): string[] {
  if (LOOPBACK.has(config.server.host) || config.server.authToken !== '') return [];
  return [
    `server.host: ${config.server.host} is reachable from other machines and server.authToken is empty: ` +
      'anyone who can reach it can read the dashboard',
  ];
}

/** YAML writes "not set" as an empty value (`origin:`): treat it as absent, so defaults apply. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = dropNulls(item);
    return out;
  }
  return value;
}

const ENV_RE = /\$\$|\$\{([^}]*)\}/g;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Replaces `${ENV_NAME}` in every string value; `$$` writes a literal `$`. */
function substituteEnv(value: unknown, path: PropertyKey[], env: Env, problems: Problems): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_RE, (whole, name: string | undefined) => {
      if (name === undefined) return '$';
      const where = formatKeyPath(path);
      if (!ENV_NAME_RE.test(name)) {
        problems.errors.push(`${where}: ${whole} is not a valid \${ENV_NAME} reference`);
        return whole;
      }
      const replacement = env[name];
      if (replacement === undefined) {
        problems.errors.push(`${where}: environment variable ${name} is not set`);
        return whole;
      }
      return replacement;
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => substituteEnv(item, [...path, index], env, problems));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = substituteEnv(item, [...path, key], env, problems);
    return out;
  }
  return value;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/** Wording for the issues the schema leaves to the generic rules. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    // Only the kind of value: a mistyped header value may be a secret.
    return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected} (got ${kindOf(issue.input)})`;
  }
  if (issue.code === 'invalid_value') {
    return `must be one of ${issue.values.map(String).join(', ')} (got ${describeInput(issue.input)})`;
  }
  return undefined;
}

function kindOf(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'boolean') return 'true or false';
  return `a ${typeof input}`;
}

/**
 * One line per problem: a key whose ${VAR} is missing already has its error (its "not a valid URL" would only
 * add noise), and a value under an unknown key needs no ${VAR} error of its own.
 */
function mergeSchemaErrors(envErrors: readonly string[], issues: readonly z.core.$ZodIssue[]): string[] {
  const pathOf = (line: string) => line.slice(0, line.indexOf(': '));
  const schemaErrors = issues.flatMap(formatIssue);
  const unknownKeys = issues
    .filter((issue) => issue.code === 'unrecognized_keys')
    .flatMap((issue) => issue.keys.map((key) => formatKeyPath([...issue.path, key])));
  const underUnknownKey = (path: string) =>
    unknownKeys.some((key) => path.startsWith(`${key}.`) || path.startsWith(`${key}[`));
  const envPaths = new Set(envErrors.map(pathOf));
  return [
    ...envErrors.filter((line) => !underUnknownKey(pathOf(line))),
    ...schemaErrors.filter((line) => !envPaths.has(pathOf(line))),
  ];
}

function formatIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatKeyPath([...issue.path, key])}: ${issue.message}`);
  }
  return [`${formatKeyPath(issue.path)}: ${issue.message}`];
}
