// The alert rules: promtool's syntax check and unit tests, a fire and a must-not-fire case for every alert,
// and the PrometheusRule of the kustomize base in step with the rules file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { PROMETHEUS_RULE_FILE, prometheusRuleYaml, RULES_FILE } from '../prometheus/prometheusrule.mjs';
import { contractSeriesNames, ROOT, readText, requireBinary, run } from './support.mjs';

const RULE_FILES = readdirSync(join(ROOT, 'deploy/prometheus'))
  .filter((name) => name.endsWith('.rules.yaml'))
  .map((name) => join(ROOT, 'deploy/prometheus', name));
const TEST_FILES = readdirSync(join(ROOT, 'deploy/prometheus/tests'))
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => join(ROOT, 'deploy/prometheus/tests', name));
const ALERTS = ['HopwatchLegDown', 'HopwatchDropBurst', 'HopwatchProberStalled', 'HopwatchAbsent'];
const RUNBOOK = 'https://github.com/hopwatch/hopwatch/blob/main/docs/alerts.md';

/** GitHub's anchor for a Markdown heading: lowercased, punctuation dropped, spaces to dashes. */
function headingAnchor(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

describe('deploy/prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const promtool = requireBinary('promtool');
    const result = run(promtool, ['check', 'rules', ...RULE_FILES]);
    assert.equal(result.status, 0, `promtool check rules failed:\n${result.stdout}${result.stderr}`);
  });

  it('pass their promtool unit tests', () => {
    const promtool = requireBinary('promtool');
    assert.ok(TEST_FILES.length > 0, 'no promtool test files in deploy/prometheus/tests');
    const result = run(promtool, ['test', 'rules', ...TEST_FILES], { cwd: ROOT });
    assert.equal(result.status, 0, `promtool test rules failed:\n${result.stdout}${result.stderr}`);
  });

  it('define exactly the alerts of the issue, each on contract metrics only', () => {
    const rules = parse(readText('deploy/prometheus/hopwatch.rules.yaml')).groups.flatMap((g) => g.rules);
    assert.deepEqual(rules.map((rule) => rule.alert).sort(), [...ALERTS].sort());
    const contract = contractSeriesNames();
    for (const rule of rules) {
      const names = rule.expr.match(/\bhopwatch_[a-z_]+/g) ?? [];
      assert.ok(names.length > 0, `${rule.alert} uses no hopwatch metric`);
      for (const name of names)
        assert.ok(contract.has(name), `${rule.alert} uses ${name}, not a contract metric`);
      assert.ok(
        rule.annotations?.summary && rule.annotations?.description,
        `${rule.alert} lacks annotations`,
      );
    }
  });

  it('each have a for:, a summary, a description and a runbook_url to their section of docs/alerts.md', () => {
    const rules = parse(readText('deploy/prometheus/hopwatch.rules.yaml')).groups.flatMap((g) => g.rules);
    const anchors = new Set(
      readText('docs/alerts.md')
        .split('\n')
        .filter((line) => line.startsWith('## '))
        .map((line) => headingAnchor(line.slice(3))),
    );
    for (const rule of rules) {
      assert.equal(typeof rule.for, 'string', `${rule.alert} has no for:`);
      assert.ok(rule.annotations?.summary, `${rule.alert} has no summary`);
      assert.ok(rule.annotations?.description, `${rule.alert} has no description`);
      const anchor = rule.alert.toLowerCase();
      assert.equal(rule.annotations?.runbook_url, `${RUNBOOK}#${anchor}`, `${rule.alert}'s runbook_url`);
      assert.ok(anchors.has(anchor), `docs/alerts.md has no section ## ${rule.alert}`);
    }
  });

  it('are tested both firing and not firing, for every alert', () => {
    const cases = TEST_FILES.flatMap((file) => parse(readFileSync(file, 'utf8')).tests ?? []).flatMap(
      (test) => test.alert_rule_test ?? [],
    );
    for (const alert of ALERTS) {
      const mine = cases.filter((c) => c.alertname === alert);
      assert.ok(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} has no promtool case where it fires`,
      );
      assert.ok(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} has no promtool case where it must not fire`,
      );
    }
  });

  it('are what the kustomize base ships as its PrometheusRule (run deploy/prometheus/prometheusrule.mjs)', () => {
    const wanted = prometheusRuleYaml(readFileSync(RULES_FILE, 'utf8'));
    assert.equal(
      readFileSync(PROMETHEUS_RULE_FILE, 'utf8'),
      wanted,
      'deploy/kubernetes/prometheusrule.yaml is out of date: run node deploy/prometheus/prometheusrule.mjs',
    );
  });
});
