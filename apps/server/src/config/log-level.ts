// HOPWATCH_LOG_LEVEL: the one setting that comes only from the environment (it is not a config key).
import type { Env } from './load.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

export function logLevelFromEnv(env: Env): { ok: true; level: LogLevel } | { ok: false; message: string } {
  const value = env.HOPWATCH_LOG_LEVEL;
  if (value === undefined || value === '') return { ok: true, level: DEFAULT_LOG_LEVEL };
  const level = LOG_LEVELS.find((candidate) => candidate === value.toLowerCase());
  if (level === undefined) {
    return {
      ok: false,
      message: `HOPWATCH_LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(value)})`,
    };
  }
  return { ok: true, level };
}
