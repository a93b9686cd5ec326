// Defaults of every config key (docs/spec.md#2-configuration). The zero-config start is the built-in lab.
import type { HopwatchConfig } from './types.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
export const DEFAULT_SQLITE = './data/hopwatch.db';
export const DEFAULT_VANTAGE = 'default';
export const DEFAULT_RETENTION_MS = 30 * 86_400_000;
export const DEFAULT_STALL_THRESHOLD_MS = 1_000;
export const DEFAULT_HEARTBEAT = {
  mode: 'ping',
  intervalMs: 10_000,
  timeoutMs: 20_000,
  send: '',
  expect: '',
} as const;
export const DEFAULT_RECONNECT = { initialMs: 1_000, maxMs: 60_000 } as const;
/** correlationWindow default: the largest leg heartbeat timeout plus this */
export const CORRELATION_SLACK_MS = 5_000;
export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 5_000;

export function defaultConfig(): HopwatchConfig {
  return {
    server: {
      host: DEFAULT_HOST,
      port: DEFAULT_PORT,
      authToken: '',
      allowedOrigins: [],
      allowedHosts: [],
      trustProxy: false,
    },
    storage: { sqlite: DEFAULT_SQLITE, postgres: null, retentionMs: DEFAULT_RETENTION_MS },
    vantage: DEFAULT_VANTAGE,
    prober: { stallThresholdMs: DEFAULT_STALL_THRESHOLD_MS },
    targets: [],
    lab: { enabled: true, schedule: null, heartbeat: { intervalMs: 2_000, timeoutMs: 6_000 } },
    prometheus: null,
    source: null,
  };
}
