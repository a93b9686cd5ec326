// The Prometheus HTTP API, as much of it as evidence needs: one range query (`/api/v1/query_range`), with the
// configured headers and timeout. Every way it can fail becomes a PrometheusError whose message a dashboard
// can show as it is: secret-free, naming what went wrong.
import type { EvidencePoint } from '@hopwatch/shared/protocol';
import { formatDuration } from '@hopwatch/shared/time';
import { redactUrl, redactUrlsInText } from '../config/redact.js';
import type { PrometheusConfig } from '../config/types.js';

export class PrometheusError extends Error {
  constructor(message: string) {
    super(redactUrlsInText(message));
    this.name = 'PrometheusError';
  }
}

export interface RangeQuery {
  query: string;
  /** epoch ms, both inclusive */
  from: number;
  to: number;
  stepMs: number;
}

interface MatrixAnswer {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: { values?: [number, string][] }[] };
}

/** Longest Prometheus error text passed on; its messages quote the query, which can be long. */
const MAX_ERROR_CHARS = 300;

/**
 * Runs a range query. Several series in the answer are reduced to their maximum at each instant (the worst
 * of them is what counts as pressure); NaN and infinite samples are left out, since JSON cannot carry them.
 */
export async function queryRange(prometheus: PrometheusConfig, range: RangeQuery): Promise<EvidencePoint[]> {
  const where = redactUrl(prometheus.url);
  const body = new URLSearchParams({
    query: range.query,
    start: String(range.from / 1_000),
    end: String(range.to / 1_000),
    step: String(range.stepMs / 1_000),
  });
  let response: Response;
  try {
    // POST form: a long query never meets a URL length limit on a proxy in front of Prometheus.
    response = await fetch(`${prometheus.url}/api/v1/query_range`, {
      method: 'POST',
      headers: { ...prometheus.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(prometheus.timeoutMs),
    });
  } catch (error) {
    throw new PrometheusError(describeFetchError(error, where, prometheus.timeoutMs));
  }
  let answer: MatrixAnswer;
  try {
    answer = (await response.json()) as MatrixAnswer;
  } catch (error) {
    if (isTimeout(error)) {
      throw new PrometheusError(
        `Prometheus at ${where} did not answer within ${formatDuration(prometheus.timeoutMs)}`,
      );
    }
    throw new PrometheusError(`Prometheus at ${where} answered HTTP ${response.status}, not JSON`);
  }
  if (!response.ok || answer.status !== 'success') {
    const reason = answer.error ? `: ${answer.error.slice(0, MAX_ERROR_CHARS)}` : '';
    throw new PrometheusError(
      `Prometheus at ${where} refused the query (HTTP ${response.status}${answer.errorType ? `, ${answer.errorType}` : ''})${reason}`,
    );
  }
  if (answer.data?.resultType !== 'matrix') {
    throw new PrometheusError(
      `Prometheus at ${where} answered ${answer.data?.resultType ?? 'nothing'}, not a matrix`,
    );
  }
  return maxAtEachInstant(answer.data.result ?? []);
}

function maxAtEachInstant(result: readonly { values?: [number, string][] }[]): EvidencePoint[] {
  const byTime = new Map<number, number>();
  for (const series of result) {
    for (const [seconds, text] of series.values ?? []) {
      const v = Number(text);
      if (!Number.isFinite(v)) continue;
      const t = Math.round(seconds * 1_000);
      const previous = byTime.get(t);
      byTime.set(t, previous === undefined ? v : Math.max(previous, v));
    }
  }
  return [...byTime].map(([t, v]) => ({ t, v })).sort((a, b) => a.t - b.t);
}

function describeFetchError(error: unknown, where: string, timeoutMs: number): string {
  if (isTimeout(error)) return `Prometheus at ${where} did not answer within ${formatDuration(timeoutMs)}`;
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return `cannot reach Prometheus at ${where} (${reason})`;
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
