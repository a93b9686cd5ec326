// deploy/grafana/hopwatch.json: importable as is (no export-time placeholders, a datasource variable, a sane
// layout) and built only on the contract metrics, with PromQL that Prometheus' own parser accepts.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import {
  allPanels,
  dashboardQueries,
  isLokiPanel,
  loadDashboard,
  metricNames,
  substituteVariables,
} from './dashboard-queries.mjs';
import { contractSeriesNames, requireBinary, run, tempDir } from './support.mjs';

const dashboard = loadDashboard();
/** Grafana's `${name}` interpolation, written without tripping the template-literal lint. */
const grafana = (name) => `\${${name}}`;
const HOPWATCH_LINK = `${grafana('hopwatch_url')}/?`;
const panels = allPanels(dashboard).filter((panel) => panel.type !== 'row');

describe('deploy/grafana/hopwatch.json', () => {
  const scratch = tempDir('grafana');
  after(() => scratch.remove());

  it('is a dashboard Grafana imports as is', () => {
    assert.equal(dashboard.title, 'hopwatch');
    assert.equal(dashboard.uid, 'hopwatch');
    assert.ok(Number.isInteger(dashboard.schemaVersion) && dashboard.schemaVersion >= 36);
    // "Export for sharing externally" placeholders (${DS_...}, __inputs) break file provisioning.
    assert.equal(dashboard.__inputs, undefined);
    assert.doesNotMatch(JSON.stringify(dashboard), /\$\{DS_/);
    const datasource = dashboard.templating.list.find((v) => v.type === 'datasource');
    assert.ok(lokiDatasource(), 'needs a datasource variable of type loki for the logs panel');
    assert.equal(datasource?.query, 'prometheus', 'needs a datasource variable of type prometheus');
    const ids = allPanels(dashboard).map((panel) => panel.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids must be unique');
  });

  it('lays every panel out inside the 24-column grid and points it at the datasource variable', () => {
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos;
      assert.ok(
        x >= 0 && w > 0 && x + w <= 24 && y >= 0 && h > 0,
        `panel ${panel.id} "${panel.title}" gridPos`,
      );
      const variable = isLokiPanel(panel) ? lokiDatasource() : datasource();
      assert.equal(panel.datasource?.uid, `\${${variable.name}}`, `panel ${panel.id} datasource`);
      assert.ok(panel.targets?.length > 0, `panel ${panel.id} "${panel.title}" has no query`);
      const refIds = panel.targets.map((target) => target.refId);
      assert.equal(new Set(refIds).size, refIds.length, `panel ${panel.id} refIds must be unique`);
    }
  });

  it('shows what the issue asks for: legs up, drops by cause, an RTT heatmap, session durations', () => {
    const find = (type, pattern) =>
      panels.find((p) => p.type === type && p.targets.some((t) => pattern.test(t.expr)));
    assert.ok(find('state-timeline', /hopwatch_leg_up/), 'a legs-up timeline');
    assert.ok(find('timeseries', /sum by \(cause\) \(increase\(hopwatch_leg_drops_total/), 'drops by cause');
    const rtt = find('heatmap', /hopwatch_rtt_seconds_bucket/);
    assert.equal(rtt?.targets[0].format, 'heatmap', 'an RTT heatmap over the histogram buckets');
    assert.ok(find('heatmap', /hopwatch_session_duration_seconds_bucket/), 'session durations');
  });

  it('queries only contract metrics', () => {
    const contract = contractSeriesNames();
    for (const { where, expr } of dashboardQueries(dashboard)) {
      const names = metricNames(expr);
      assert.ok(names.length > 0, `${where} reads no metric: ${expr}`);
      for (const name of names)
        assert.ok(contract.has(name), `${where} reads ${name}, not a contract metric`);
    }
  });

  it('has an instance variable from hopwatch_build_info that every query filters on', () => {
    const instance = variable('instance');
    assert.equal(instance?.type, 'query');
    assert.match(instance.query.query, /^label_values\(hopwatch_build_info, instance\)$/);
    assert.ok(instance.includeAll && instance.multi, 'one hopwatch, several, or all');
    for (const { where, expr } of dashboardQueries(dashboard)) {
      if (where === 'variable $instance') continue;
      const selectors = expr.match(/\bhopwatch_[a-z_]+(\{[^}]*\})?/g) ?? [];
      for (const selector of selectors)
        assert.ok(selector.includes('instance=~"$instance"'), `${where}: ${selector} ignores $instance`);
    }
  });

  it("links every panel to hopwatch on the panel's time window, per target where the series has one", () => {
    assert.equal(variable('hopwatch_url')?.type, 'textbox', 'a variable saying where hopwatch is');
    for (const panel of panels.filter((p) => !isLokiPanel(p))) {
      const links = panel.fieldConfig?.defaults?.links ?? [];
      const link = links.find((l) => l.url.startsWith(HOPWATCH_LINK));
      assert.ok(link, `panel ${panel.id} "${panel.title}" has no link to hopwatch`);
      const params = new URLSearchParams(link.url.slice(HOPWATCH_LINK.length));
      assert.equal(params.get('from'), grafana('__from'), `panel ${panel.id} link from`);
      assert.equal(params.get('to'), grafana('__to'), `panel ${panel.id} link to`);
      const byTarget = panel.targets.some((t) => /by \([^)]*\btarget\b/.test(t.expr));
      if (byTarget)
        assert.equal(params.get('target'), grafana('__field.labels.target'), `panel ${panel.id} target`);
    }
    const dashboardLink = dashboard.links.find(
      (l) => l.url === `${HOPWATCH_LINK}from=${grafana('__from')}&to=${grafana('__to')}`,
    );
    assert.ok(dashboardLink, "a dashboard link to hopwatch on the dashboard's time window");
  });

  it('shows the "ws close" and "verdict" log lines from Loki', () => {
    const logs = panels.find((p) => p.type === 'logs');
    assert.ok(logs, 'a logs panel');
    assert.equal(logs.datasource.type, 'loki');
    const [query] = logs.targets;
    assert.equal(logs.targets.length, 1);
    // LogQL: the stream selector from $log_selector, JSON parsed, the two message kinds kept.
    assert.match(query.expr, /^\{\$\{log_selector\}\}/);
    assert.match(query.expr, /\| json \|/);
    assert.match(query.expr, /msg=~"ws close\|verdict"/);
    assert.equal(variable('log_selector')?.type, 'textbox');
  });

  it('has PromQL that promtool parses, once Grafana variables are filled in', () => {
    const promtool = requireBinary('promtool');
    const rules = dashboardQueries(dashboard).map(({ expr }, index) => ({
      record: `hopwatch_dashboard_check:query_${index}`,
      expr: substituteVariables(expr),
    }));
    const file = join(scratch.path, 'dashboard-queries.rules.yaml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
    const result = run(promtool, ['check', 'rules', file]);
    assert.equal(result.status, 0, `a dashboard query does not parse:\n${result.stdout}${result.stderr}`);
  });
});

function lokiDatasource() {
  return dashboard.templating.list.find((v) => v.type === 'datasource' && v.query === 'loki');
}

function variable(name) {
  return dashboard.templating.list.find((v) => v.name === name);
}

function datasource() {
  return dashboard.templating.list.find((v) => v.type === 'datasource');
}
