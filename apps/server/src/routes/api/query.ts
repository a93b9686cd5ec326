// Parsing what API clients send: zod schemas for the values hopwatch's query strings carry (times, limits,
// durations, names) and one translation of a zod error into `bad_query` / `bad_body` with the message
// "<param>: <what was expected>", so every route words the same mistake the same way.
import { MAX_INSTANT_MS, parseDurationOrMs, parseInstant } from '@hopwatch/shared/time';
import { z } from 'zod';
import { type ApiErrorCode, ApiFailure } from '../../plugins/errors.js';

/** No legitimate parameter is longer; a longer one is refused before any parsing. */
export const MAX_PARAM_CHARS = 512;

function required(what: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : what) };
}

/** A time: epoch milliseconds or ISO 8601, as epoch milliseconds. */
export const instantParam = z.string(required('must be a time')).transform((text, ctx) => {
  const parsed = parseInstant(text);
  if (parsed.ok) return parsed.ms;
  ctx.issues.push({ code: 'custom', message: parsed.message, input: text });
  return z.NEVER;
});

/** A duration: "1m", "500ms", or plain milliseconds, at least `minMs`. */
export function durationParam(minMs: number) {
  return z.string(required('must be a duration')).transform((text, ctx) => {
    const parsed = parseDurationOrMs(text);
    if (!parsed.ok) {
      ctx.issues.push({ code: 'custom', message: parsed.message, input: text });
      return z.NEVER;
    }
    if (parsed.ms < minMs || parsed.ms > MAX_INSTANT_MS) {
      ctx.issues.push({ code: 'custom', message: `must be at least ${minMs} ms (got ${text})`, input: text });
      return z.NEVER;
    }
    return parsed.ms;
  });
}

/** A page size: an integer in 1..max, `fallback` when absent. */
export function limitParam(max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return fallback;
      const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
      if (value >= 1 && value <= max) return value;
      ctx.issues.push({
        code: 'custom',
        message: `must be an integer from 1 to ${max} (got ${JSON.stringify(text)})`,
        input: text,
      });
      return z.NEVER;
    });
}

/** A non-negative integer such as an event sequence number. */
export const sequenceParam = z
  .string(required('must be a sequence number'))
  .regex(/^\d{1,15}$/, 'must be a non-negative integer sequence number')
  .transform(Number);

/** A target or leg name; whether it exists is the route's question (404, not 400). */
export const nameParam = z
  .string(required('must be a name'))
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');

/**
 * Parses a query string against a strict object schema. Repeated (`a=1&a=2`), over-long and unknown
 * parameters are refused with a message naming the parameter.
 */
export function parseQuery<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  query: unknown,
): z.output<z.ZodObject<Shape>> {
  const entries = typeof query === 'object' && query !== null ? Object.entries(query) : [];
  for (const [key, value] of entries) {
    if (Array.isArray(value)) throw badQuery(`${shortKey(key)}: must be given once`);
    if (typeof value === 'string' && value.length > MAX_PARAM_CHARS) {
      throw badQuery(`${shortKey(key)}: is too long (at most ${MAX_PARAM_CHARS} characters)`);
    }
  }
  return parseWith('bad_query', schema.strict(), Object.fromEntries(entries));
}

/** Parses a JSON request body; `undefined` (no body) gets the same clear message as a wrong shape. */
export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiFailure('bad_body', 'body: must be a JSON object');
  }
  return parseWith('bad_body', schema, body);
}

/** `to` before `from` is a mistake, not an empty result. */
export function assertRange(from: number, to: number): void {
  if (to < from) throw badQuery(`to: must not be before from (from ${from}, to ${to})`);
}

export function badQuery(message: string): ApiFailure {
  return new ApiFailure('bad_query', message);
}

function parseWith<Schema extends z.ZodType>(
  code: ApiErrorCode,
  schema: Schema,
  input: unknown,
): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ApiFailure(code, describeIssue(parsed.error.issues[0], schema));
}

function describeIssue(issue: z.core.$ZodIssue | undefined, schema: z.ZodType): string {
  if (!issue) return 'invalid input';
  if (issue.code === 'unrecognized_keys') {
    const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
    const names = issue.keys.map(shortKey).join(', ');
    return `${names}: unknown parameter (expected ${known.length ? known.join(', ') : 'none'})`;
  }
  const path = issue.path.map(String).join('.');
  return path ? `${shortKey(path)}: ${issue.message}` : issue.message;
}

function shortKey(key: string): string {
  const clean = key.length > 40 ? `${key.slice(0, 40)}…` : key;
  return JSON.stringify(clean).slice(1, -1);
}
