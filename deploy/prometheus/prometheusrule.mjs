#!/usr/bin/env node
// Writes deploy/kubernetes/prometheusrule.yaml: the alert rules of hopwatch.rules.yaml wrapped in a
// PrometheusRule, so Prometheus Operator users get them from the kustomize base. hopwatch.rules.yaml stays the
// one definition (promtool tests it); kustomize cannot load files from outside its folder, hence the copy.
// `node deploy/prometheus/prometheusrule.mjs` rewrites the file; `--check` fails if it is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const RULES_FILE = fileURLToPath(new URL('./hopwatch.rules.yaml', import.meta.url));
export const PROMETHEUS_RULE_FILE = fileURLToPath(
  new URL('../kubernetes/prometheusrule.yaml', import.meta.url),
);

/** The PrometheusRule manifest for the given rules file text. */
export function prometheusRuleYaml(rulesText) {
  const { groups } = parse(rulesText);
  const manifest = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'hopwatch' },
    spec: { groups },
  };
  const header = [
    '# Generated from deploy/prometheus/hopwatch.rules.yaml by deploy/prometheus/prometheusrule.mjs: edit the rules',
    '# file and rerun the script. kube-prometheus-stack selects PrometheusRules by its release label: add',
    '# `release: <your release>` in an overlay if your Prometheus needs it.',
  ].join('\n');
  return `${header}\n${stringify(manifest, { lineWidth: 0 })}`;
}

function main() {
  const wanted = prometheusRuleYaml(readFileSync(RULES_FILE, 'utf8'));
  if (process.argv.includes('--check')) {
    const current = readFileSync(PROMETHEUS_RULE_FILE, 'utf8');
    if (current !== wanted) {
      process.stderr.write(
        'deploy/kubernetes/prometheusrule.yaml is out of date: run node deploy/prometheus/prometheusrule.mjs\n',
      );
      process.exit(1);
    }
    return;
  }
  writeFileSync(PROMETHEUS_RULE_FILE, wanted);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
