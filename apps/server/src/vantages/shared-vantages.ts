// What an instance adds when it shares a PostgreSQL store with other vantages: it records its legs (checking
// its targets' segments agree with the others'), follows every instance's events through the store's feed,
// holds or waits for the judge's lease, and merges the other vantages' legs into the targets it judges and
// shows. One SQLite instance needs none of it.
import type { TargetConfig } from '../config/types.js';
import { StoreFeed } from '../events/store-feed.js';
import { JudgeLease } from '../store/postgres/judge-lease.js';
import type { PostgresStore } from '../store/postgres/postgres-store.js';
import { registerVantage, storedLegs } from '../store/postgres/targets.js';
import { mergeVantages, type StoredLeg, withVantage } from './vantage-targets.js';

/** how often the other vantages' legs are read again (an instance started or reconfigured elsewhere) */
export const VANTAGE_REFRESH_MS = 5_000;

export interface SharedVantages {
  feed: StoreFeed;
  lease: JudgeLease;
  /** own targets, each leg covering this vantage, joined with the other vantages' legs */
  targets(own: readonly TargetConfig[]): TargetConfig[];
  /** records a reloaded config's legs */
  register(own: readonly TargetConfig[]): Promise<void>;
  close(): Promise<void>;
}

export async function joinVantages(
  store: PostgresStore,
  own: readonly TargetConfig[],
  options: { onError?: (error: unknown, context: string) => void } = {},
): Promise<SharedVantages> {
  const vantage = store.vantage;
  const report = options.onError ?? (() => {});
  await registerVantage(store.pool, vantage, withVantage(own, vantage));
  let stored: StoredLeg[] = await storedLegs(store.pool);
  const refresh = setInterval(() => {
    storedLegs(store.pool).then(
      (legs) => {
        stored = legs;
      },
      (error: unknown) => report(error, 'reading the other vantages legs'),
    );
  }, VANTAGE_REFRESH_MS);
  refresh.unref();
  const feed = new StoreFeed({
    source: store,
    startAfter: await store.finalSeq(),
    onError: (error) => report(error, 'following the shared event log'),
  });
  const lease = new JudgeLease(store.pool, { onError: (error) => report(error, 'judge lease') });
  return {
    feed,
    lease,
    targets: (targets) => mergeVantages(withVantage(targets, vantage), stored),
    async register(targets) {
      await registerVantage(store.pool, vantage, withVantage(targets, vantage));
      stored = await storedLegs(store.pool);
    },
    async close() {
      clearInterval(refresh);
      feed.close();
      await lease.close();
    },
  };
}
