// What the API routes read, named by what they need rather than by the runtime's shape, so each route's
// dependencies are visible in its options and tests can build them from real parts.
import type { LegCondition } from '@hopwatch/shared/outages';
import type { TargetConfig } from '../../config/types.js';
import type { LegStatus } from '../../probe/types.js';
import type { Store } from '../../store/store.js';

export interface ApiSources {
  /** the targets of the running config (re-read on every request: a reload may change them) */
  targets(): readonly TargetConfig[];
  store: Store;
  /** the newest sequence number on the bus */
  lastSeq(): number;
  /** every leg's state as the prober sees it; empty while no prober runs */
  legStatus(): readonly LegStatus[];
  /** a leg's up/down condition and open outage from its sessions (outages/outage-tracker.ts); null before any */
  legCondition(target: string, leg: string): LegCondition | null;
  now(): number;
}
