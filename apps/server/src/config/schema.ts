// The YAML config of docs/spec.md#2-configuration, as written: shapes, types and single-value rules. Every object is strict
// (an unknown key is an error that lists the keys it could have been); durations become milliseconds here.
// Rules that span keys (coverage, uniqueness, modes, files) live in resolve.ts.
import { FAULT_KINDS, HEARTBEAT_MODES, LAB_HOPS } from '@hopwatch/shared/protocol';
import { parseDuration } from '@hopwatch/shared/time';
import { z } from 'zod';
import { isBindableHost, parseHostEntry } from './host-name.js';
import { redactUrl } from './redact.js';

export const NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;
const NAME_RULE = 'must match [a-z0-9][a-z0-9_-]*: lowercase letters, digits, _ and -';

/** setTimeout's limit is 2^31-1 ms; a longer timer would fire at once. 24d stays below it. */
const TIMER_MAX_MS = 24 * 86_400_000;

/** A short, secret-free description of a value the user wrote, for "(got …)". */
export function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') {
    // Truncated, and with anything unprintable escaped, so a hostile value never comes back whole or raw.
    const shown = JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input);
    return shown.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  return String(input);
}

/** A strict mapping whose unknown-key error names every key it accepts. */
function mapping<Shape extends z.ZodRawShape>(shape: Shape) {
  const expected = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key (expected one of ${expected})`
        : `must be a mapping (got ${describeInput(issue.input)})`,
  });
}

function duration(options: { max?: number } = {}) {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  return z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'is required'
          : `must be a duration like 500ms, 10s, 2m, 1h or 30d (got ${describeInput(issue.input)})`,
    })
    .transform((text, ctx) => {
      const parsed = parseDuration(text);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: parsed.message });
        return z.NEVER;
      }
      if (parsed.ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `must be longer than 0 (got ${JSON.stringify(text)})` });
        return z.NEVER;
      }
      if (parsed.ms > max) {
        ctx.addIssue({ code: 'custom', message: `must be at most 24d (got ${JSON.stringify(text)})` });
        return z.NEVER;
      }
      return parsed.ms;
    })
    .meta({ description: 'a duration like 500ms, 10s, 2m, 1h or 30d' }); // for docs/hopwatch.schema.json
}

const timerDuration = () => duration({ max: TIMER_MAX_MS });

function integer(min: number, max: number, what = 'an integer') {
  const rule = `must be ${what} from ${min} to ${max}`;
  const error = (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is required' : `${rule} (got ${describeInput(issue.input)})`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

const name = () =>
  z
    .string()
    .check((ctx) => {
      if (!NAME_RE.test(ctx.value)) {
        ctx.issues.push({
          code: 'custom',
          message: `${NAME_RULE} (got ${describeInput(ctx.value)})`,
          input: ctx.value,
        });
      }
    })
    .meta({ pattern: NAME_RE.source }); // for docs/hopwatch.schema.json

const nonEmpty = () => z.string().min(1, { error: 'must not be empty' });

const wsUrl = z.string().check((ctx) => {
  const url = ctx.value;
  const shown = describeInput(redactUrl(url));
  if (!/^wss?:\/\//i.test(url)) {
    ctx.issues.push({
      code: 'custom',
      message: `must start with ws:// or wss:// (got ${shown})`,
      input: shown,
    });
  } else if (!URL.canParse(url) || new URL(url).hostname === '') {
    ctx.issues.push({ code: 'custom', message: `is not a valid URL (got ${shown})`, input: shown });
  }
});

/** server.host: something the server can bind, quoted back at most 60 characters long whatever it is. */
const bindHost = z.string().check((ctx) => {
  if (!isBindableHost(ctx.value)) {
    ctx.issues.push({
      code: 'custom',
      message: `must be an IP address or a host name the server can bind (got ${describeInput(ctx.value)})`,
      input: ctx.value,
    });
  }
});

/** server.allowedHosts entries: `name`, `name:port`, `[v6]:port`, or `*` (any Host: no rebinding guard). */
const allowedHost = z.string().check((ctx) => {
  if (ctx.value !== '*' && parseHostEntry(ctx.value) === null) {
    ctx.issues.push({
      code: 'custom',
      message: `must be a host name, optionally with :port, or * (got ${describeInput(ctx.value)})`,
      input: ctx.value,
    });
  }
});

/** storage.postgres: a libpq-style URL; shown redacted in every message (it usually carries a password). */
const postgresUrl = z.string().check((ctx) => {
  const url = ctx.value;
  const shown = describeInput(redactUrl(url));
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    ctx.issues.push({
      code: 'custom',
      message: `must start with postgres:// or postgresql:// (got ${shown})`,
      input: shown,
    });
  } else if (!URL.canParse(url)) {
    ctx.issues.push({ code: 'custom', message: `is not a valid URL (got ${shown})`, input: shown });
  }
});

const origin = z.string().check((ctx) => {
  const url = URL.canParse(ctx.value) ? new URL(ctx.value) : null;
  const plain =
    url !== null &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '';
  if (!plain) {
    ctx.issues.push({
      code: 'custom',
      message: `must be an origin like https://noc.example.com (got ${describeInput(ctx.value)})`,
      input: ctx.value,
    });
  }
});

/** Every key optional: a target's heartbeat gives the defaults of its legs, a leg's overrides them per key. */
export const heartbeatSchema = mapping({
  mode: z.enum(HEARTBEAT_MODES).optional(),
  interval: timerDuration().optional(),
  timeout: timerDuration().optional(),
  send: z.string().optional(),
  expect: z.string().optional(),
});

const tlsSchema = mapping({
  insecure: z.boolean().optional(),
  ca: nonEmpty().optional(),
  servername: nonEmpty().optional(),
});

const openStepSchema = mapping({ send: nonEmpty(), expect: nonEmpty() });

export const legSchema = mapping({
  name: name(),
  url: wsUrl,
  enters: z.string().optional(),
  covers: z.array(z.string()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  subprotocols: z.array(nonEmpty()).optional(),
  origin: nonEmpty().optional(),
  tls: tlsSchema.optional(),
  heartbeat: heartbeatSchema.optional(),
  reconnect: mapping({ initial: timerDuration().optional(), max: timerDuration().optional() }).optional(),
  open: z.array(openStepSchema).optional(),
});

const httpUrl = z.string().check((ctx) => {
  const url = URL.canParse(ctx.value) ? new URL(ctx.value) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    const shown = describeInput(redactUrl(ctx.value));
    ctx.issues.push({
      code: 'custom',
      message: `must be an http:// or https:// URL like http://prometheus:9090 (got ${shown})`,
      input: shown,
    });
  }
});

/** A Prometheus series shown beside a target's legs and named in its verdicts (docs/spec.md#9-evidence-from-prometheus). */
export const evidenceSchema = mapping({
  name: name(),
  segment: nonEmpty(),
  query: nonEmpty(),
  above: z.number({
    error: (issue) =>
      issue.input === undefined ? 'is required' : `must be a number (got ${describeInput(issue.input)})`,
  }),
});

export const prometheusSchema = mapping({
  url: httpUrl,
  headers: z.record(z.string(), z.string()).optional(),
  timeout: timerDuration().optional(),
});

export const targetSchema = mapping({
  name: name(),
  segments: z.array(nonEmpty()).min(1, { error: 'must list at least one segment' }),
  correlationWindow: timerDuration().optional(),
  heartbeat: heartbeatSchema.optional(),
  legs: z.array(legSchema).min(1, { error: 'must list at least one leg' }),
  evidence: z.array(evidenceSchema).optional(),
});

const labFaultSchema = mapping({
  hop: z.enum(LAB_HOPS),
  kind: z.enum(FAULT_KINDS),
  every: timerDuration(),
  duration: timerDuration(),
  offset: timerDuration().optional(),
  code: integer(1000, 4999, 'a close code').optional(),
  status: integer(300, 599, 'an HTTP status').optional(),
  age: timerDuration().optional(),
});

export const labSchema = mapping({
  enabled: z.boolean().optional(),
  schedule: z.array(labFaultSchema).optional(),
  heartbeat: mapping({
    interval: timerDuration().optional(),
    timeout: timerDuration().optional(),
  }).optional(),
});

export const configSchema = mapping({
  server: mapping({
    host: bindHost.optional(),
    port: integer(0, 65_535).optional(),
    authToken: z.string().optional(),
    allowedOrigins: z.array(origin).optional(),
    allowedHosts: z.array(allowedHost).optional(),
    trustProxy: z.boolean().optional(),
  }).optional(),
  storage: mapping({
    sqlite: nonEmpty().optional(),
    postgres: postgresUrl.optional(),
    retention: duration().optional(),
  }).optional(),
  /** where this instance probes from; instances sharing a PostgreSQL store each have their own */
  vantage: name().optional(),
  prober: mapping({ stallThreshold: timerDuration().optional() }).optional(),
  targets: z.array(targetSchema).optional(),
  lab: labSchema.optional(),
  prometheus: prometheusSchema.optional(),
});

/** The config as written, validated, with durations in milliseconds. */
export type ConfigFile = z.output<typeof configSchema>;
export type TargetFile = z.output<typeof targetSchema>;
export type LegFile = z.output<typeof legSchema>;
export type HeartbeatFile = z.output<typeof heartbeatSchema>;
export type LabFile = z.output<typeof labSchema>;
export type EvidenceFile = z.output<typeof evidenceSchema>;
