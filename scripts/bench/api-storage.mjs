// Storage bench (docs/spec.md#8-budgets): 24 h of 1 s RTT for 20 legs; GET /api/rtt over the full 24 h must answer
// in under 100 ms. Fills a temp database through the store's real write path (bus → sequence → batched
// flush), then times the series query directly and through the HTTP route, beside a bare COUNT(*) over
// the same rows as a floor. Needs the server built (npm run bench builds it).
// Then a write-load phase: many legs heartbeating in real time, with the event loop's delay measured (the
// store must batch its writes so 5,000 legs at 1 s do not starve the loop that times the heartbeats).
//   node scripts/bench/api-storage.mjs [--legs 20] [--hours 24] [--runs 15] [--load-legs 5000]
//                                      [--load-seconds 20] [--keep]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { fmt, positiveInt, quantile, summary, timeAsync } from './lib/stats.mjs';
import { writeLoad } from './lib/write-load.mjs';

const server = new URL('../../apps/server/dist/', import.meta.url);
const { openSqliteStore } = await import(new URL('store/sqlite-store.js', server).href);
const { EventBus } = await import(new URL('events/bus.js', server).href);

const { values: args } = parseArgs({
  options: {
    legs: { type: 'string', default: '20' },
    hours: { type: 'string', default: '24' },
    runs: { type: 'string', default: '15' },
    'load-legs': { type: 'string', default: '5000' },
    'load-seconds': { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
  },
});
const LEGS = positiveInt(args.legs, '--legs');
const HOURS = positiveInt(args.hours, '--hours');
const RUNS = positiveInt(args.runs, '--runs');
const LOAD_LEGS = positiveInt(args['load-legs'], '--load-legs');
const LOAD_SECONDS = positiveInt(args['load-seconds'], '--load-seconds');
const BUDGET_MS = 100;
const TARGET = 'bench';
const HOUR = 3_600_000;

const dir = mkdtempSync(join(tmpdir(), 'hopwatch-bench-storage-'));
const path = join(dir, 'hopwatch.db');
const to = Math.floor(Date.now() / 60_000) * 60_000;
const from = to - HOURS * HOUR;

try {
  await fill();
  await queries();
  await writeLoadOnSqlite();
} finally {
  if (args.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/** Publishes every heartbeat through the bus like the prober would, with the store's clock following the data. */
async function fill() {
  let clock = from;
  const store = openSqliteStore(path, { retentionMs: 30 * 24 * HOUR, now: () => clock });
  const bus = new EventBus(store);
  bus.subscribe((stored) => store.project(stored));
  const legs = Array.from({ length: LEGS }, (_, i) => `leg-${String(i).padStart(2, '0')}`);
  for (const leg of legs) {
    bus.publish({
      kind: 'session_open',
      ts: from,
      target: TARGET,
      leg,
      sessionId: `${leg}-s1`,
      handshake: { dnsMs: null, tcpMs: 1, tlsMs: null, upgradeMs: 2, alpn: null, remoteAddress: '127.0.0.1' },
    });
  }
  const seconds = HOURS * 3_600;
  const publishMs = new Float64Array(seconds);
  let random = 42;
  const started = performance.now();
  for (let s = 0; s < seconds; s += 1) {
    clock = from + s * 1_000;
    const tickStart = performance.now();
    for (let l = 0; l < LEGS; l += 1) {
      random = (random * 1_103_515_245 + 12_345) % 2_147_483_648;
      const lost = random % 500 === 0;
      bus.publish({
        kind: 'rtt',
        ts: clock + l,
        target: TARGET,
        leg: legs[l],
        sessionId: `${legs[l]}-s1`,
        seq: s,
        rttMs: lost ? null : 8 + (random % 1_000) / 100,
        suspect: false,
      });
    }
    // One second of heartbeats for every leg: what the event loop pays per second in production.
    publishMs[s] = performance.now() - tickStart;
  }
  await store.close();
  const elapsedS = (performance.now() - started) / 1_000;
  const samples = seconds * LEGS;
  const sizeMb = (statSync(path).size + walSize()) / 1e6;
  console.log(
    `fill: ${samples.toLocaleString('en')} samples (${LEGS} legs × ${HOURS} h at 1 s) in ${elapsedS.toFixed(1)} s`,
  );
  console.log(
    `  rate: ${Math.round(samples / elapsedS).toLocaleString('en')} samples/s through bus + event log + chunks + rollups`,
  );
  console.log(
    `  cost of one second of heartbeats (${LEGS} publishes incl. any flush): p50 ${fmt(quantile(publishMs, 0.5))}, ` +
      `p99 ${fmt(quantile(publishMs, 0.99))}, max ${fmt(Math.max(...publishMs))}`,
  );
  console.log(`  database on disk: ${sizeMb.toFixed(0)} MB`);
}

async function queries() {
  const store = openSqliteStore(path, { retentionMs: 30 * 24 * HOUR });
  const leg = 'leg-00';
  const rows = [];
  try {
    const series = await store.rttSeries({ target: TARGET, leg, from, to });
    console.log(`series over ${HOURS} h: step ${series.step / 1_000} s, ${series.points.length} points`);
    rows.push([
      'store.rttSeries, full range',
      await timeAsync(() => store.rttSeries({ target: TARGET, leg, from, to }), RUNS),
    ]);
    // The heaviest range still drawn from raw rows: just under RAW_SERIES_MAX_ROWS heartbeats at 1 s.
    const raw = Math.min(HOURS, 5);
    const rawFrom = to - raw * HOUR;
    const rawSeries = await store.rttSeries({ target: TARGET, leg, from: rawFrom, to });
    const source = rawSeries.step < 60_000 ? 'raw rows' : 'rollups';
    rows.push([
      `store.rttSeries, last ${raw} h (${rawSeries.step / 1_000} s buckets from ${source})`,
      await timeAsync(() => store.rttSeries({ target: TARGET, leg, from: rawFrom, to }), RUNS),
    ]);
  } finally {
    await store.close();
  }

  const reader = new Database(path, { readonly: true });
  try {
    const legId = reader.prepare('SELECT id FROM legs WHERE target = ? AND leg = ?').get(TARGET, leg).id;
    // Floors: reading every raw byte of the range, and counting the rollup rows the full range uses.
    const readRaw = reader.prepare(
      'SELECT SUM(length(samples)) AS n FROM rtt_chunks WHERE leg_id = ? AND minute >= ? AND minute < ?',
    );
    const countRollups = reader.prepare(
      'SELECT COUNT(*) AS n FROM rtt_rollup WHERE leg_id = ? AND minute >= ? AND minute < ?',
    );
    rows.push(['baseline: SUM(length()) of the raw chunks', time(() => readRaw.get(legId, from, to))]);
    rows.push(['baseline: COUNT(*) of the rollup rows', time(() => countRollups.get(legId, from, to))]);
  } finally {
    reader.close();
  }

  rows.push(['GET /api/rtt, full range', await timeHttp(leg)]);
  console.log('');
  console.log(
    `${'measurement'.padEnd(64)} ${'p50'.padStart(9)} ${'max'.padStart(9)}   budget ${BUDGET_MS} ms (full range)`,
  );
  for (const [name, result] of rows) {
    if (typeof result === 'string') {
      console.log(`${name.padEnd(64)} ${result}`);
      continue;
    }
    const verdict = name.includes('full range') ? (result.p50 < BUDGET_MS ? 'within' : 'OVER') : '';
    console.log(
      `${name.padEnd(64)} ${fmt(result.p50).padStart(9)} ${fmt(result.max).padStart(9)}   ${verdict}`,
    );
  }
}

/** LOAD_LEGS legs heartbeating once a second in real time while the event loop's delay is sampled. */
async function writeLoadOnSqlite() {
  const loadPath = join(dir, 'load.db');
  const store = openSqliteStore(loadPath, { retentionMs: 30 * 24 * HOUR });
  const bus = new EventBus(store);
  bus.subscribe((stored) => store.project(stored));
  await writeLoad({
    store,
    bus,
    legs: LOAD_LEGS,
    seconds: LOAD_SECONDS,
    target: TARGET,
    label: '',
    async stored() {
      const reader = new Database(loadPath, { readonly: true });
      try {
        return reader.prepare('SELECT COUNT(*) AS n FROM events').get().n;
      } finally {
        reader.close();
      }
    },
  });
}

/** Through the real app (routes, validation, JSON) with app.inject, if the build has the route. */
async function timeHttp(leg) {
  let createRuntime;
  let buildApp;
  let loadConfigText;
  try {
    ({ createRuntime } = await import(new URL('runtime.js', server).href));
    ({ buildApp } = await import(new URL('app.js', server).href));
    ({ loadConfigText } = await import(new URL('config/load.js', server).href));
  } catch (error) {
    return `skipped: the server build cannot build an app (${error.message})`;
  }
  const legsYaml = Array.from(
    { length: LEGS },
    (_, i) =>
      `      - name: leg-${String(i).padStart(2, '0')}\n        url: ws://127.0.0.1:9/\n        enters: app`,
  ).join('\n');
  const yaml = `storage:\n  sqlite: ${JSON.stringify(path)}\nlab:\n  enabled: false\ntargets:\n  - name: ${TARGET}\n    segments: [last-mile, app]\n    legs:\n${legsYaml}\n`;
  const loaded = loadConfigText(yaml, { env: {}, source: null, baseDir: dir, readFile: () => '' });
  if (!loaded.ok) return `skipped: config rejected (${loaded.errors.join('; ')})`;
  const runtime = await createRuntime(loaded.config);
  const app = await buildApp({ runtime, webRoot: null });
  try {
    const url = `/api/rtt?target=${TARGET}&leg=${leg}&from=${from}&to=${to}`;
    const first = await app.inject({ method: 'GET', url });
    if (first.statusCode !== 200)
      return `skipped: GET /api/rtt answered ${first.statusCode} ${first.body.slice(0, 120)}`;
    const points = JSON.parse(first.body).points.length;
    const result = await timeAsync(async () => {
      const response = await app.inject({ method: 'GET', url });
      if (response.statusCode !== 200) throw new Error(`GET /api/rtt answered ${response.statusCode}`);
    }, RUNS);
    return { ...result, points };
  } finally {
    await app.close();
    await runtime.close();
  }
}

function time(fn) {
  fn(); // warm the statement cache and the page cache, as a running server would have
  const ms = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    fn();
    ms.push(performance.now() - start);
  }
  return summary(ms);
}

function walSize() {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}
