// The resolved configuration: what the rest of hopwatch sees after loading, validation and defaults.
// Durations are milliseconds here; the YAML spelling lives only in config/schema.ts.
import type { HeartbeatMode } from '@hopwatch/shared/protocol';

export interface HeartbeatConfig {
  mode: HeartbeatMode;
  intervalMs: number;
  timeoutMs: number;
  /** message mode: template with {{seq}} and {{ts}} */
  send: string;
  /** message mode: substring the reply must contain, same templates */
  expect: string;
}

export interface OpenStep {
  send: string;
  expect: string;
}

export interface TlsConfig {
  insecure: boolean;
  /** PEM text of extra CA certificates (the file was read at load time) */
  ca: string | null;
  servername: string | null;
}

export interface LegConfig {
  name: string;
  url: string;
  /** the segment it enters, when configured with `enters` */
  enters: string | null;
  /** every segment the leg crosses, in path order, ending with its private `<leg>:entry` */
  covers: string[];
  headers: Record<string, string>;
  subprotocols: string[];
  origin: string | null;
  tls: TlsConfig;
  heartbeat: HeartbeatConfig;
  reconnect: { initialMs: number; maxMs: number };
  open: OpenStep[];
}

export interface TargetConfig {
  name: string;
  segments: string[];
  correlationWindowMs: number;
  legs: LegConfig[];
  /** Prometheus series beside the legs (docs/spec.md#9-evidence-from-prometheus); absent or empty: none */
  evidence?: EvidenceConfig[];
}

export interface EvidenceConfig {
  name: string;
  /** one of the target's segments: the hop the series is about */
  segment: string;
  /** PromQL, run with query_range */
  query: string;
  /** values above this count as pressure */
  above: number;
}

export interface PrometheusConfig {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface LabScheduleConfig {
  hop: 'edge' | 'lb' | 'app';
  kind: 'stall' | 'reset' | 'close' | 'cap' | 'reject' | 'blackhole';
  everyMs: number;
  durationMs: number;
  /** first firing, measured from lab start */
  offsetMs: number;
  code: number | null;
  status: number | null;
  ageMs: number | null;
}

export interface LabConfig {
  enabled: boolean;
  /** null: the lab's own default schedule (no `schedule` key); []: scheduled faults off (`schedule: []`) */
  schedule: LabScheduleConfig[] | null;
  heartbeat: { intervalMs: number; timeoutMs: number };
}

export interface HopwatchConfig {
  server: {
    host: string;
    port: number;
    authToken: string;
    allowedOrigins: string[];
    /** Host names served besides the bind address, loopback and the machine's names (DNS rebinding) */
    allowedHosts: string[];
    /** believe X-Forwarded-For/-Proto/-Host (only behind a reverse proxy) */
    trustProxy: boolean;
  };
  /** `postgres` (a URL) replaces `sqlite` when set: several instances (vantages) may share it */
  storage: { sqlite: string; postgres: string | null; retentionMs: number };
  /** where this instance probes from (default `default`); its legs also cover `vantage:<name>` on PostgreSQL */
  vantage: string;
  prober: { stallThresholdMs: number };
  targets: TargetConfig[];
  lab: LabConfig;
  /** where evidence series are queried; null: no `prometheus` key */
  prometheus: PrometheusConfig | null;
  /** where this config came from, for messages and SIGHUP reloads; null for the zero-config lab */
  source: string | null;
}
