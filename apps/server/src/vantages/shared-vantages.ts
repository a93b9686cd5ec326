// What an instance adds when it shares a PostgreSQL store with other vantages: it records its legs (checking
// its targets' segments agree with the others'), follows every instance's events through the store's feed,
// holds or waits for the judge's lease, and merges the other vantages' legs into the targets it judges and
// shows. One SQLite instance needs none of it.
import type { TargetConfig } from '../config/types.js';
import { StoreFeed } from '../events/store-feed.js';
import { JudgeLease } from '../store/postgres/judge-lease.js';
import type { PostgresStore } from '../store/postgres/postgres-store.js';
import { registerVantage, storedLegs } from './vantage-registry.js';
import { mergeVantages, type StoredLeg, withVantage } from './vantage-targets.js';

/** how often the other vantages' legs are read again (an instance started or reconfigured elsewhere) */
export const VANTAGE_REFRESH_MS = 5_000;

export interface SharedVantages {
  feed: StoreFeed;
  lease: JudgeLease;
  /** own targets, each leg covering this vantage, joined with the other vantages' legs */
  targets(own: readonly TargetConfig[]): TargetConfig[];
  close(): Promise<void>;
}

/**
 * `own`: this instance's targets now (read again on every refresh, so a reloaded config's legs are recorded).
 * Throws VantageConflictError when its targets disagree with another vantage's.
 */
export async function joinVantages(
  store: PostgresStore,
  own: () => readonly TargetConfig[],
  options: { onError?: (error: unknown, context: string) => void } = {},
): Promise<SharedVantages> {
  const vantage = store.vantage;
  const report = options.onError ?? defaultOnError;
  let registered = own();
  await registerVantage(store.pool, vantage, withVantage(registered, vantage));
  let stored: StoredLeg[] = await storedLegs(store.pool);
  const refresh = setInterval(() => {
    const current = own();
    const recorded =
      current === registered
        ? Promise.resolve()
        : registerVantage(store.pool, vantage, withVantage(current, vantage)).then(() => {
            registered = current;
          });
    recorded
      .then(() => storedLegs(store.pool))
      .then(
        (legs) => {
          stored = legs;
        },
        (error: unknown) => report(error, 'recording this vantage or reading the others'),
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
    async close() {
      clearInterval(refresh);
      feed.close();
      await lease.close();
    },
  };
}

function defaultOnError(error: unknown, context: string): void {
  process.emitWarning(
    `hopwatch vantages: ${context}: ${error instanceof Error ? error.message : String(error)}`,
    {
      code: 'HOPWATCH_VANTAGES',
    },
  );
}
