// A real Prometheus (Debian's package) scrapes a real hopwatch running the built-in lab and evaluates the
// real alert rules, time-compressed 24× (fast-rules.mjs): a blackhole on the lab's `lb` hop must fire
// HopwatchLegDown for the legs that cross lb, and only for them. The same Prometheus then answers every
// Grafana panel query with data, and has every contract metric. Both processes run on loopback, in temp
// directories, and are stopped on every exit.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { dashboardQueries, loadDashboard, substituteVariables } from './dashboard-queries.mjs';
import { compress, compressRules, durationMs } from './fast-rules.mjs';
import {
  CONTRACT_METRICS,
  freePort,
  http,
  readText,
  requireBinary,
  startHopwatch,
  startProcess,
  tempDir,
  waitFor,
} from './support.mjs';

const TIME_FACTOR = 24;
const SCRAPE_INTERVAL = '1s';

describe('fast-rules: the alert rules with time compressed', () => {
  it('divides every for and range selector, and nothing else', () => {
    assert.equal(durationMs('1h30m'), 5_400_000);
    assert.throws(() => durationMs('2 m'), /not a Prometheus duration/);
    assert.equal(compress('2m', 24), '5s');
    assert.equal(compress('10m', 24), '25s');
    assert.equal(compress('10s', 24), '1s');
    assert.equal(compress('0m', 24), '0s');
    const rules = compressRules(
      'groups: [{name: g, rules: [{alert: A, expr: "increase(x_total[10m]) > 5", for: 2m}, {alert: B, expr: "y == 0"}]}]',
      24,
    );
    assert.match(rules, /expr: increase\(x_total\[25s\]\) > 5/);
    assert.match(rules, /for: 5s/);
    assert.match(rules, /expr: y == 0\n/);
  });
});

describe('a real Prometheus alerting on a lab fault in a running hopwatch', () => {
  const scratch = tempDir('prometheus');
  let hopwatch;
  let prometheus;
  let prometheusUrl;

  const context = () =>
    `--- hopwatch output ---\n${hopwatch?.output() ?? ''}\n--- prometheus output ---\n${prometheus?.output() ?? ''}`;
  const query = async (promql) => {
    const { status, body } = await http(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    assert.equal(status, 200, `query ${promql}: ${JSON.stringify(body)}`);
    return body.data.result;
  };
  const alerts = async () => (await http(`${prometheusUrl}/api/v1/alerts`)).body.data.alerts;
  const legDown = (list, state) =>
    list
      .filter((a) => a.labels.alertname === 'HopwatchLegDown' && a.state === state)
      .map((a) => `${a.labels.target}/${a.labels.leg}`)
      .sort();

  before(async () => {
    const prometheusBin = requireBinary('prometheus');
    // The lab without its demo schedule, so only the fault this test injects happens, and with quick
    // heartbeats so a blackholed leg is declared down within seconds.
    const hopwatchConfig = join(scratch.path, 'hopwatch.yaml');
    writeFileSync(
      hopwatchConfig,
      stringify({ lab: { enabled: true, schedule: [], heartbeat: { interval: '1s', timeout: '3s' } } }),
    );
    hopwatch = await startHopwatch({
      args: [
        '--config',
        hopwatchConfig,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--data',
        join(scratch.path, 'data'),
      ],
      env: { ...process.env, HOPWATCH_LOG_LEVEL: 'warn' },
    });

    const rulesFile = join(scratch.path, 'hopwatch.rules.yaml');
    writeFileSync(rulesFile, compressRules(readText('deploy/prometheus/hopwatch.rules.yaml'), TIME_FACTOR));
    const configFile = join(scratch.path, 'prometheus.yml');
    writeFileSync(
      configFile,
      stringify({
        global: { scrape_interval: SCRAPE_INTERVAL, evaluation_interval: SCRAPE_INTERVAL },
        rule_files: [rulesFile],
        scrape_configs: [
          { job_name: 'hopwatch', static_configs: [{ targets: [new URL(hopwatch.url).host] }] },
        ],
      }),
    );
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = startProcess(prometheusBin, [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(scratch.path, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    await waitFor(async () => ((await http(`${prometheusUrl}/-/ready`)).status === 200 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'Prometheus to be ready',
      context,
    });
  });

  after(async () => {
    await prometheus?.stop();
    await hopwatch?.stop();
    scratch.remove();
  });

  it('scrapes every lab leg up, with no alert pending or firing', async () => {
    const up = await waitFor(
      async () => {
        const result = await query('hopwatch_leg_up{target="lab"} == 1');
        return result.length === 3 ? result.map((s) => s.metric.leg).sort() : undefined;
      },
      { timeoutMs: 60_000, what: 'hopwatch_leg_up == 1 for the three lab legs', context },
    );
    assert.deepEqual(up, ['app', 'edge', 'lb']);
    // Legs start at leg_up 0 until their first session opens, which may have left a pending LegDown.
    await waitFor(
      async () => {
        const list = await alerts();
        if (list.length > 0) throw new Error(`alerts: ${describeAlerts(list)}`);
        return true;
      },
      { timeoutMs: 30_000, what: 'a healthy lab to have no alert pending or firing', context },
    );
  });

  it('fires HopwatchLegDown for the legs crossing a blackholed lb, and not for the app leg', async () => {
    const forMs = durationMs(compress('2m', TIME_FACTOR));
    const fault = await http(`${hopwatch.url}/api/lab/faults`, {
      method: 'POST',
      json: { hop: 'lb', kind: 'blackhole', durationMs: 120_000 },
    });
    assert.ok(
      fault.status >= 200 && fault.status < 300,
      `POST /api/lab/faults: ${JSON.stringify(fault.body)}`,
    );

    const firing = await waitFor(
      async () => {
        const all = await alerts();
        const list = legDown(all, 'firing');
        if (!list.includes('lab/lb') || !list.includes('lab/edge'))
          throw new Error(`alerts: ${describeAlerts(all)}`);
        return list;
      },
      {
        // detection (heartbeat timeout 3s) + `for` + scrape and evaluation, with room for a loaded machine
        timeoutMs: 90_000 + forMs,
        intervalMs: 1_000,
        what: 'HopwatchLegDown to fire for lab/lb and lab/edge',
        context,
      },
    );
    assert.deepEqual(firing, ['lab/edge', 'lab/lb']);
    const appUp = await query('hopwatch_leg_up{target="lab",leg="app"}');
    assert.equal(appUp[0]?.value[1], '1', 'the app leg does not cross lb and stays up');
  });

  it('evaluates every rule without error on the real metrics', async () => {
    const { body } = await http(`${prometheusUrl}/api/v1/rules`);
    const rules = body.data.groups.flatMap((group) => group.rules);
    assert.equal(rules.length, 4);
    for (const rule of rules) assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError}`);
  });

  it('answers every Grafana panel query with data', async () => {
    for (const { where, expr } of dashboardQueries(loadDashboard())) {
      const promql = substituteVariables(expr, { rateInterval: '10s', range: '5m' });
      const result = await query(promql);
      assert.ok(result.length > 0, `${where} returned nothing: ${promql}`);
    }
  });

  it('has every contract metric from the scrape', async () => {
    const { body } = await http(`${prometheusUrl}/api/v1/label/__name__/values`);
    for (const [name, type] of Object.entries(CONTRACT_METRICS)) {
      const series = type === 'histogram' ? `${name}_bucket` : name;
      assert.ok(body.data.includes(series), `${series} was not scraped`);
    }
  });
});

function describeAlerts(list) {
  if (list.length === 0) return 'none';
  return list.map((a) => `${a.labels.alertname}{leg="${a.labels.leg ?? ''}"} ${a.state}`).join(', ');
}
