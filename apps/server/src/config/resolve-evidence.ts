// The `prometheus` key and each target's `evidence` series (docs/spec.md#9-evidence-from-prometheus): defaults, and the rules that
// span keys: a series' segment is one of its target's, names are unique per target, and a target with
// evidence needs a Prometheus to ask.
import { DEFAULT_PROMETHEUS_TIMEOUT_MS } from './defaults.js';
import { checkHeaders } from './headers.js';
import type { ConfigFile, EvidenceFile } from './schema.js';
import type { EvidenceConfig, PrometheusConfig } from './types.js';

type ReportError = (at: string, message: string) => void;

export function resolvePrometheus(
  file: ConfigFile['prometheus'],
  error: ReportError,
): PrometheusConfig | null {
  if (file === undefined) return null;
  const headers = file.headers ?? {};
  checkHeaders(headers, 'prometheus.headers', error);
  return {
    // Joined with /api/v1/query_range later; a trailing slash would double it.
    url: file.url.replace(/\/+$/, ''),
    headers,
    timeoutMs: file.timeout ?? DEFAULT_PROMETHEUS_TIMEOUT_MS,
  };
}

export interface EvidenceScope {
  /** e.g. `targets[0]` */
  path: string;
  target: { name: string; segments: readonly string[] };
  prometheus: ConfigFile['prometheus'];
  error: ReportError;
}

export function resolveEvidence(
  evidence: readonly EvidenceFile[] | undefined,
  scope: EvidenceScope,
): EvidenceConfig[] {
  const { path, target, error } = scope;
  if (evidence === undefined || evidence.length === 0) return [];
  if (scope.prometheus === undefined) {
    error(`${path}.evidence`, 'needs prometheus.url: there is no Prometheus to query these series in');
  }
  const seen = new Map<string, number>();
  return evidence.map((series, index) => {
    const at = `${path}.evidence[${index}]`;
    if (!target.segments.includes(series.segment)) {
      error(
        `${at}.segment`,
        `"${series.segment}" is not a segment (segments of target ${target.name}: ${target.segments.join(', ')})`,
      );
    }
    if (!Number.isFinite(series.above)) error(`${at}.above`, 'must be a finite number');
    const first = seen.get(series.name);
    if (first === undefined) seen.set(series.name, index);
    else error(`${at}.name`, `duplicate evidence name "${series.name}" (also ${path}.evidence[${first}])`);
    return { name: series.name, segment: series.segment, query: series.query, above: series.above };
  });
}
