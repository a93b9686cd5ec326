// The storage bench's PostgreSQL row (docs/spec.md#8-budgets, beside api-storage.mjs for SQLite): 24 h of 1 s RTT for
// 20 legs written through the real write path (bus → seq block → batched multi-row INSERT), then GET /api/rtt
// over the full 24 h (budget 100 ms), then many legs heartbeating in real time with the event loop's delay
// measured. Starts its own throwaway PostgreSQL (Debian's postgresql package), or uses --url.
//   node scripts/bench/api-storage-postgres.mjs [--legs 20] [--hours 24] [--runs 15] [--load-legs 5000]
//                                               [--load-seconds 20] [--url postgres://…]
import { parseArgs } from 'node:util';
import pg from 'pg';
import { fmt, positiveInt, timeAsync } from './lib/stats.mjs';
import { writeLoad } from './lib/write-load.mjs';

const server = new URL('../../apps/server/dist/', import.meta.url);
const { openPostgresStore } = await import(new URL('store/postgres/postgres-store.js', server).href);
const { startPostgres } = await import(new URL('store/postgres/throwaway-server.js', server).href);
const { EventBus } = await import(new URL('events/bus.js', server).href);

const { values: args } = parseArgs({
  options: {
    legs: { type: 'string', default: '20' },
    hours: { type: 'string', default: '24' },
    runs: { type: 'string', default: '15' },
    'load-legs': { type: 'string', default: '5000' },
    'load-seconds': { type: 'string', default: '20' },
    url: { type: 'string' },
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
const to = Math.floor(Date.now() / 60_000) * 60_000;
const from = to - HOURS * HOUR;

const local = args.url === undefined ? await startPostgres() : null;
try {
  const url = args.url ?? (await local.createDatabase());
  await fill(url);
  await queries(url);
  await writeLoadOn(args.url ?? (await local.createDatabase()));
} finally {
  await local?.stop();
}

async function fill(url) {
  let clock = from;
  const store = await openPostgresStore(url, { retentionMs: 30 * 24 * HOUR, now: () => clock });
  const bus = new EventBus(store);
  bus.subscribe((stored) => store.project(stored));
  const legs = Array.from({ length: LEGS }, (_, i) => `leg-${String(i).padStart(2, '0')}`);
  const started = performance.now();
  for (let s = 0; s < HOURS * 3_600; s += 1) {
    clock = from + s * 1_000;
    for (let l = 0; l < LEGS; l += 1) {
      bus.publish({
        kind: 'rtt',
        ts: clock + l,
        target: TARGET,
        leg: legs[l],
        sessionId: `${legs[l]}-s1`,
        seq: s,
        rttMs: 8 + ((s * 7 + l * 13) % 1_000) / 100,
        suspect: false,
      });
    }
    // The flush is asynchronous: give it its turns, as a running server's event loop would.
    if (s % 60 === 59) await store.sessions({ limit: 1 });
  }
  await store.close();
  const elapsedS = (performance.now() - started) / 1_000;
  const samples = HOURS * 3_600 * LEGS;
  console.log(
    `fill: ${samples.toLocaleString('en')} samples (${LEGS} legs × ${HOURS} h at 1 s) in ${elapsedS.toFixed(1)} s`,
  );
  console.log(
    `  rate: ${Math.round(samples / elapsedS).toLocaleString('en')} samples/s through bus + event log + rows + rollups`,
  );
}

async function queries(url) {
  const store = await openPostgresStore(url, { retentionMs: 30 * 24 * HOUR });
  const leg = 'leg-00';
  const rows = [];
  try {
    const series = await store.rttSeries({ target: TARGET, leg, from, to });
    console.log(`series over ${HOURS} h: step ${series.step / 1_000} s, ${series.points.length} points`);
    rows.push([
      'store.rttSeries, full range',
      await timeAsync(() => store.rttSeries({ target: TARGET, leg, from, to }), RUNS),
    ]);
    const raw = Math.min(HOURS, 5);
    const rawFrom = to - raw * HOUR;
    const rawSeries = await store.rttSeries({ target: TARGET, leg, from: rawFrom, to });
    rows.push([
      `store.rttSeries, last ${raw} h (${rawSeries.step / 1_000} s buckets from ${rawSeries.step < 60_000 ? 'raw rows' : 'rollups'})`,
      await timeAsync(() => store.rttSeries({ target: TARGET, leg, from: rawFrom, to }), RUNS),
    ]);
  } finally {
    await store.close();
  }
  rows.push(['GET /api/rtt, full range', await timeHttp(url, leg)]);
  console.log('');
  console.log(
    `${'measurement (PostgreSQL)'.padEnd(64)} ${'p50'.padStart(9)} ${'max'.padStart(9)}   budget ${BUDGET_MS} ms (full range)`,
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

async function timeHttp(url, leg) {
  const { createRuntime } = await import(new URL('runtime.js', server).href);
  const { buildApp } = await import(new URL('app.js', server).href);
  const { loadConfigText } = await import(new URL('config/load.js', server).href);
  const legsYaml = Array.from(
    { length: LEGS },
    (_, i) =>
      `      - name: leg-${String(i).padStart(2, '0')}\n        url: ws://127.0.0.1:9/\n        enters: app`,
  ).join('\n');
  const yaml = `vantage: bench\nstorage:\n  postgres: ${JSON.stringify(url)}\nlab:\n  enabled: false\ntargets:\n  - name: ${TARGET}\n    segments: [last-mile, app]\n    legs:\n${legsYaml}\n`;
  const loaded = loadConfigText(yaml, { env: {}, source: null, baseDir: process.cwd(), readFile: () => '' });
  if (!loaded.ok) return `skipped: config rejected (${loaded.errors.join('; ')})`;
  const runtime = await createRuntime(loaded.config);
  const app = await buildApp({ runtime, webRoot: null });
  try {
    const path = `/api/rtt?target=${TARGET}&leg=${leg}&from=${from}&to=${to}`;
    const first = await app.inject({ method: 'GET', url: path });
    if (first.statusCode !== 200)
      return `skipped: GET /api/rtt answered ${first.statusCode} ${first.body.slice(0, 120)}`;
    return await timeAsync(async () => {
      const response = await app.inject({ method: 'GET', url: path });
      if (response.statusCode !== 200) throw new Error(`GET /api/rtt answered ${response.statusCode}`);
    }, RUNS);
  } finally {
    await app.close();
    await runtime.close();
  }
}

/** LOAD_LEGS legs heartbeating once a second in real time while the event loop's delay is sampled. */
async function writeLoadOn(url) {
  const store = await openPostgresStore(url, { retentionMs: 30 * 24 * HOUR });
  const bus = new EventBus(store);
  bus.subscribe((stored) => store.project(stored));
  await writeLoad({
    store,
    bus,
    legs: LOAD_LEGS,
    seconds: LOAD_SECONDS,
    target: TARGET,
    label: 'PostgreSQL',
    async stored() {
      const reader = new pg.Client({ connectionString: url });
      await reader.connect();
      try {
        return (await reader.query('SELECT COUNT(*)::int AS n FROM events')).rows[0].n;
      } finally {
        await reader.end();
      }
    },
  });
}
