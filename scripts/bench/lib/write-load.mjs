// The write-load phase the storage benches share: `legs` legs heartbeating once a second in real time, spread
// evenly over the second as real legs drift apart, while the event loop's delay is sampled: what the prober
// would suffer from storage. Publishes whatever is due by the clock, so a late timer catches up instead of
// lowering the load.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fmt } from './stats.mjs';

/**
 * `store`/`bus`: wired like runtime.ts; `stored()`: how many events reached the database, asked after the
 * store is closed; `label`: which backend, for the report.
 */
export async function writeLoad({ store, bus, legs, seconds, target, stored, label }) {
  const TICK_MS = 10;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let published = 0;
  let leg = 0;
  let seq = 0;
  const started = performance.now();
  delay.enable();
  const timer = setInterval(() => {
    const ts = Date.now();
    const due = Math.floor(((performance.now() - started) / 1_000) * legs) - published;
    for (let i = 0; i < due; i += 1) {
      const name = `leg-${leg}`;
      bus.publish({
        kind: 'rtt',
        ts,
        target,
        leg: name,
        sessionId: `${name}-s1`,
        seq,
        rttMs: 9.5,
        suspect: false,
      });
      published += 1;
      leg += 1;
      if (leg === legs) {
        leg = 0;
        seq += 1;
      }
    }
  }, TICK_MS);
  await sleep(seconds * 1_000);
  clearInterval(timer);
  delay.disable();
  const elapsedS = (performance.now() - started) / 1_000;
  await store.close();
  const count = await stored();
  const ms = (ns) => ns / 1e6;
  console.log('');
  console.log(
    `write load${label ? ` (${label})` : ''}: ${legs.toLocaleString('en')} legs at 1 s for ${seconds} s ` +
      `(${Math.round(published / elapsedS).toLocaleString('en')} heartbeats/s published)`,
  );
  console.log(
    `  event-loop delay beyond the 10 ms sampling: p50 ${fmt(Math.max(0, ms(delay.percentile(50)) - 10))}, ` +
      `p99 ${fmt(Math.max(0, ms(delay.percentile(99)) - 10))}, max ${fmt(Math.max(0, ms(delay.max) - 10))}`,
  );
  console.log(`  stored ${count.toLocaleString('en')} of ${published.toLocaleString('en')} heartbeats`);
}
