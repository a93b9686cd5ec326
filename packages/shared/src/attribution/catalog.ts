// The culprit catalog: what is known to cut WebSockets, with its knob and default, transcribed from
// docs/drop-signatures.md. Data, not logic: signatures.ts asks it "who cuts at this age?" and
// "who cuts many sockets at once?". Entries no primary source confirmed carry verified: false and are shown
// as "possible", never as certain.
import type { Culprit } from '../protocol/verdict.js';

/**
 * How a culprit ends a session:
 * - idle: after this long with no frame either way; hopwatch's heartbeats keep it from firing
 * - lifetime: at this connection age, traffic or not
 * - restart: a restart, reload, drain or reconnect of a shared hop cuts every socket through it at once
 * - peer-heartbeat: the far side's own heartbeat gives up at a multiple of its interval
 * - flow-control: backpressure stalls the stream until a heartbeat gives up
 * - handshake: the upgrade itself fails
 */
export const CULPRIT_KINDS = [
  'idle',
  'lifetime',
  'restart',
  'peer-heartbeat',
  'flow-control',
  'handshake',
] as const;
export type CulpritKind = (typeof CULPRIT_KINDS)[number];

export interface CatalogEntry extends Culprit {
  kind: CulpritKind;
  /** ages at which it cuts by default; empty when it has no default or its effect is not an age */
  defaultsMs: readonly number[];
  /** peer-heartbeat: the interval of that heartbeat */
  intervalMs: number | null;
  /** what the client sees */
  symptom: string;
}

/** Two durations match when they differ by at most this fraction (docs/spec.md#6-signature-catalog: "within 5%"). */
export const DURATION_TOLERANCE = 0.05;

const S = 1_000;
const H = 3_600_000;

function entry(
  kind: CulpritKind,
  component: string,
  knob: string,
  defaultText: string,
  defaultsMs: readonly number[],
  symptom: string,
  extra: { verified?: boolean; intervalMs?: number } = {},
): CatalogEntry {
  return {
    kind,
    component,
    knob,
    defaultText,
    defaultsMs,
    symptom,
    verified: extra.verified ?? true,
    intervalMs: extra.intervalMs ?? null,
  };
}

export const CULPRIT_CATALOG: readonly CatalogEntry[] = [
  // idle: fire only when the heartbeat interval is longer than they are
  entry(
    'idle',
    'nginx',
    'proxy_read_timeout',
    '60s',
    [60 * S],
    'cut after 60s with nothing read from upstream; no close frame (1006)',
  ),
  entry(
    'idle',
    'nginx',
    'proxy_send_timeout',
    '60s',
    [60 * S],
    'cut after 60s of stalled writes to upstream',
  ),
  entry(
    'idle',
    'ingress-nginx',
    'proxy-read-timeout / proxy-send-timeout',
    '60',
    [60 * S],
    'idle drop at ~60s; docs recommend > 3600 for WebSockets',
  ),
  entry('idle', 'HAProxy', 'timeout tunnel', 'none', [], 'closes after that long with no traffic either way'),
  entry(
    'idle',
    'HAProxy',
    'timeout client / timeout server without timeout tunnel',
    'none',
    [],
    'dies at the client/server idle value; termination state cD/sD',
  ),
  entry(
    'idle',
    'Envoy',
    'stream_idle_timeout (route idle_timeout overrides)',
    '5m',
    [300 * S],
    'an upgraded stream idle both ways is reset at 300s; access-log flag SI',
  ),
  entry(
    'idle',
    'Traefik',
    'respondingTimeouts.idleTimeout',
    '180s',
    [180 * S],
    'drops at 180s idle (one report)',
    { verified: false },
  ),
  entry(
    'idle',
    'Cloudflare proxy',
    'Proxy Read Timeout',
    '100s (older docs) / 120s (newer)',
    [100 * S, 120 * S],
    'an idle socket cut at ~100s (user reports only)',
    { verified: false },
  ),
  entry('idle', 'AWS ALB', 'idle_timeout.timeout_seconds', '60s', [60 * S], 'idle socket closed at 60s'),
  entry('idle', 'AWS NLB', 'tcp.idle_timeout.seconds', '350s', [350 * S], 'idle flow closed at 350s'),
  entry(
    'idle',
    'AWS NAT Gateway',
    'idle timeout (fixed)',
    '350s',
    [350 * S],
    'idle >= 350s, then RST on next use',
  ),
  entry('idle', 'Azure Front Door', 'idle timeout (fixed)', '5m', [300 * S], 'closed after 300s idle'),
  entry(
    'idle',
    'Heroku router',
    'idle timeout (fixed, rolling)',
    '55s',
    [55 * S],
    'closed when no data for 55s (H15)',
  ),
  entry(
    'idle',
    'kube-proxy iptables',
    '--conntrack-tcp-timeout-established',
    '24h',
    [24 * H],
    'silent drop or RST on next write',
  ),
  entry(
    'idle',
    'kube-proxy IPVS',
    '--ipvs-tcp-timeout',
    'system (seen 900s)',
    [900 * S],
    'idle > 900s: RST or blackholed',
  ),
  entry('idle', 'Phoenix', 'server timeout', '60s', [60 * S], 'server drops after 60s without data'),
  // lifetime: cut at a fixed age even with traffic
  entry(
    'lifetime',
    'GCP external HTTP(S) LB',
    'backend timeoutSec',
    '30s',
    [30 * S],
    'a maximum lifetime, not idle: cut at 30s even with traffic',
  ),
  entry(
    'lifetime',
    'Envoy',
    'max_connection_duration / max_stream_duration',
    'off',
    [],
    'drop at a fixed connection age; flags DT / UMSDR',
  ),
  // Users report Cloudflare cutting proxied WebSockets at ~100s whatever the traffic; the lab's default cap
  // models it. No primary source says whether that is an idle or a lifetime limit, so both rows exist.
  entry(
    'lifetime',
    'Cloudflare proxy',
    'Proxy Read Timeout (reported as a fixed WebSocket lifetime)',
    '100s',
    [100 * S],
    'a WebSocket cut at ~100s even with traffic (user reports only)',
    { verified: false },
  ),
  entry(
    'lifetime',
    'Azure Front Door',
    'maximum connection lifetime (fixed)',
    '4h',
    [4 * H],
    'hard cap at 4h',
  ),
  entry(
    'lifetime',
    'Traefik',
    'respondingTimeouts.readTimeout',
    '60s (v2.11.2+); the v2.11.1 regression cut after 2-3s',
    [2 * S, 2.5 * S, 3 * S],
    '1006 after 2-3s on v2.11.1 only',
  ),
  // restart: many sockets at once
  entry(
    'restart',
    'cloudflared',
    '--autoupdate-freq / --grace-period',
    '24h / 30s',
    [24 * H],
    'exits with code 11 after an update; every tunnel socket cut, daily (fix: --no-autoupdate)',
  ),
  entry(
    'restart',
    'cloudflared',
    'QUIC idle timeout 5s / ping 1s (fixed)',
    '5s / 1s',
    [],
    '"no recent network activity" after >= 5s of UDP loss; every socket on that tunnel connection drops',
  ),
  entry(
    'restart',
    'Cloudflare proxy',
    'releases',
    'n/a',
    [],
    'server restarts terminate WebSockets, many at once',
  ),
  entry(
    'restart',
    'nginx / ingress-nginx',
    'worker_shutdown_timeout (on reload)',
    '240s (ingress-nginx)',
    [],
    'sockets open during a reload are cut ~240s later, many legs together',
  ),
  entry(
    'restart',
    'HAProxy',
    'hard-stop-after (on reload)',
    'none',
    [],
    'on reload the old process keeps sockets until this limit',
  ),
  entry(
    'restart',
    'Envoy',
    '--drain-time-s (listener update / hot restart)',
    '600s',
    [],
    'sockets cut when a drain ends',
  ),
  // peer-heartbeat: the far side's heartbeat gives up (seed 000)
  entry(
    'peer-heartbeat',
    'Home Assistant core (aiohttp)',
    'heartbeat=55',
    '55s',
    [82.5 * S, 110 * S],
    'pings every 55s, gives up on a missing pong at ~82s (h + h/2; older aiohttp: 2 × 55s = 110s)',
    { intervalMs: 55 * S },
  ),
  entry(
    'peer-heartbeat',
    'socket.io',
    'pingInterval / pingTimeout',
    '25s / 20s',
    [45 * S],
    'app-level pings; gives up after 45s: "ping timeout"',
    { intervalMs: 25 * S },
  ),
  entry(
    'peer-heartbeat',
    'SignalR',
    'KeepAliveInterval / ClientTimeoutInterval',
    '15s / 30s',
    [30 * S],
    '"Server timeout elapsed without receiving a message"',
    { intervalMs: 15 * S },
  ),
  entry(
    'peer-heartbeat',
    'Phoenix',
    'heartbeatIntervalMs',
    '30s',
    [60 * S],
    'client closes 1000 "heartbeat timeout" when a heartbeat goes unanswered until the next',
    { intervalMs: 30 * S },
  ),
  entry(
    'peer-heartbeat',
    'aiohttp',
    'heartbeat=h',
    'off',
    [],
    'pings after h seconds of silence, waits h/2 for the pong, closes the transport (1006)',
  ),
  // flow-control: the stream stalls, then a heartbeat gives up (seed 000)
  entry(
    'flow-control',
    'Envoy',
    'per_connection_buffer_limit_bytes',
    '1 MiB core; 32 KiB in Envoy Gateway (connection.bufferLimit)',
    [],
    "backpressure stalls busy streams, then the app's own heartbeat gives up",
  ),
  // handshake
  entry(
    'handshake',
    'HTTP/2',
    'RFC 8441 SETTINGS_ENABLE_CONNECT_PROTOCOL',
    'off',
    [],
    'a client that insists on an HTTP/1.1 Upgrade over an h2 connection fails (seed 001 saw 400)',
  ),
  entry('handshake', 'Envoy', 'upgrade_configs', 'missing', [], 'handshake 403, upgrade_failed'),
];

/** Whether two durations agree within DURATION_TOLERANCE of the larger. */
export function nearlyEqual(a: number, b: number, tolerance = DURATION_TOLERANCE): boolean {
  return Math.abs(a - b) <= tolerance * Math.max(a, b);
}

/** Catalog entries of these kinds; with `ageMs`, only those whose default matches it. */
export function culpritsOfKind(kinds: readonly CulpritKind[], ageMs?: number): CatalogEntry[] {
  return CULPRIT_CATALOG.filter(
    (e) => kinds.includes(e.kind) && (ageMs === undefined || e.defaultsMs.some((d) => nearlyEqual(d, ageMs))),
  );
}

/** The wire shape: a Culprit carries no catalog internals. */
export function toCulprit(entry: CatalogEntry): Culprit {
  return {
    component: entry.component,
    knob: entry.knob,
    defaultText: entry.defaultText,
    verified: entry.verified,
  };
}

/** "nginx proxy_read_timeout (60s)", "possibly Traefik respondingTimeouts.idleTimeout (180s)" */
export function describeCulprit(culprit: Culprit): string {
  const text = `${culprit.component} ${culprit.knob} (${culprit.defaultText})`;
  return culprit.verified ? text : `possibly ${text}`;
}
