// The PromQL of deploy/grafana/hopwatch.json: every panel query and variable query, with Grafana's variables
// replaced by values Prometheus accepts, and the metric names each one reads.
import { parse } from 'yaml';
import { readText } from './support.mjs';

export function loadDashboard() {
  return JSON.parse(readText('deploy/grafana/hopwatch.json'));
}

/** Every panel of the dashboard, rows' nested panels included. */
export function allPanels(dashboard) {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** A panel that reads Loki (the logs panel), whose queries are LogQL, not PromQL. */
export function isLokiPanel(panel) {
  return panel.datasource?.type === 'loki';
}

/** [{ where, expr }] for every Prometheus panel target and every query variable. */
export function dashboardQueries(dashboard) {
  const prometheusPanels = allPanels(dashboard).filter((panel) => !isLokiPanel(panel));
  const queries = prometheusPanels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `panel ${panel.id} "${panel.title}" ${target.refId}`,
      expr: target.expr,
    })),
  );
  for (const variable of dashboard.templating.list) {
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
    // label_values(selector, label) reads the selector's series: check the selector as a query.
    const match = query.match(/^label_values\((.*),\s*[a-zA-Z_]+\)$/);
    queries.push({ where: `variable $${variable.name}`, expr: match ? match[1] : query });
  }
  return queries;
}

/** The query with Grafana's variables replaced as an "All" selection over a short range would. */
export function substituteVariables(expr, { rateInterval = '1m', range = '1h' } = {}) {
  return expr
    .replaceAll('$__rate_interval', rateInterval)
    .replaceAll('$__interval', rateInterval)
    .replaceAll('$__range', range)
    .replace(/\$\{?([a-z_]+)\}?/g, '.*');
}

const PROMQL_WORDS = new Set(
  parse(`[sum, min, max, avg, count, group, stddev, stdvar, topk, bottomk, quantile, count_values,
    rate, irate, increase, delta, idelta, deriv, resets, changes, histogram_quantile, vector, scalar, time,
    clamp, clamp_min, clamp_max, abs, ceil, floor, round, sort, sort_desc, label_replace, label_join, absent,
    avg_over_time, min_over_time, max_over_time, sum_over_time, count_over_time, last_over_time,
    and, or, unless, bool, offset, inf, nan]`),
);

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords or labels. */
export function metricNames(expr) {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '');
  return (stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter((word) => !PROMQL_WORDS.has(word));
}
