// The judge: watches drops on the bus, groups them into clusters per target, and publishes each cluster's
// verdict at once as provisional (`final: false`), again as drops join, and final (`final: true`) when the
// cluster's window has passed. The store records it from the verdict event (its projection), the live hub
// relays it, GET /api/drops serves it.
//
// New drops join the latest cluster of their target; each cluster is an explicit little state machine:
//
//   (none) ──drop──▶ provisional ──due: window passed with no new drop, or 2 windows since its first drop──▶ final
//                     │ drop joins: judged again soon, due re-armed (never past 2 windows)       │
//                     │ a heartbeat interval after its latest drop: judged again (clean legs     │
//                     │ have answered by then)                                                   │
//                     └──────────────────────────────────────────────────────────────────────────┘
//   final: a late drop that still joins is judged again at once (same id, new judgedAt, still final)
//
// Timers of the provisional phase: `soon` (drops arriving together are judged together), `recheck` and `due`;
// all cleared on every exit. Judging reads the store, which answers asynchronously: the drops judged are the
// ones the cluster held when the judgment began, a judge closed meanwhile publishes nothing, and of two
// judgments of one cluster in flight only the newer may publish.
//
// A drop that does not join (past the window, or more than a window after the cluster's first drop) starts a
// new cluster; the old one is still made final when its due time comes. Clusters still provisional at
// shutdown are not made final: their drops are stored, and GET /api/attribute can still judge that time.
//
// A leg that is down retries forever, and every failed attempt is a drop (docs/spec.md#1-concepts). Those attempts are
// the same outage, not new evidence: a failed attempt by a leg whose last session also ended in a drop starts
// no cluster and extends none, so a dead hop gets its verdict one window after it died, not after the legs
// give up retrying. The attempts are still stored and served like every session.
import {
  type ClusterSpan,
  clusterDueAt,
  clusterVerdictId,
  type Drop,
  isDropSession,
  joinsCluster,
  judgeCluster,
  judgedWindow,
  judgeReport,
  reportedWindow,
} from '@hopwatch/shared/attribution';
import { ATTEMPT_CAUSES, type HopEvent, type Verdict } from '@hopwatch/shared/protocol';
import type { TargetConfig } from '../config/types.js';
import type { EventBus } from '../events/bus.js';
import { type EvidenceStore, gatherFacts, targetFacts } from './facts.js';

export interface JudgeOptions {
  /** where verdicts are published, and (without `events`) where drops are watched */
  bus: EventBus;
  /** where drops are watched when not the bus: a shared store's feed of every vantage's events */
  events?: Pick<EventBus, 'subscribe'>;
  /**
   * Whether this instance judges now (instances sharing a store: the one holding the judge's lease). When
   * not, it publishes no provisional verdict, and a cluster that became final waits one more window for the
   * holder's final verdict and is judged here only if none came: a holder that died is replaced within one
   * correlation window.
   */
  mayJudge?: () => boolean;
  store: EvidenceStore;
  /** the targets as configured now: a reload may add, change or remove them */
  targets: () => readonly TargetConfig[];
  now?: () => number;
  /** a verdict that could not be judged (a storage error) is reported here, never thrown into the bus */
  onError?: (error: unknown, context: string) => void;
}

type ClusterPhase = 'provisional' | 'final';

/** Drops arriving within this of each other are judged together: a mass drop is one provisional verdict. */
export const PROVISIONAL_DELAY_MS = 100;
/** Past a heartbeat interval after the latest drop, for the reply that proves a clean leg to arrive. */
const RECHECK_SLACK_MS = 500;

interface Cluster {
  id: string;
  target: string;
  phase: ClusterPhase;
  span: ClusterSpan;
  drops: Map<string, Drop>;
  soon: NodeJS.Timeout | null;
  recheck: NodeJS.Timeout | null;
  due: NodeJS.Timeout | null;
  /** judgments begun; one that finds this changed when the store answers was superseded */
  judgments: number;
  /** not the leaseholder when it became final: it waited one more window for the holder's final verdict */
  waitedForHolder: boolean;
}

/** final verdict ids remembered to know the leaseholder judged a cluster */
const VERDICTS_REMEMBERED = 10_000;

export class Judge {
  readonly #store: EvidenceStore;
  readonly #bus: EventBus;
  readonly #targets: () => readonly TargetConfig[];
  readonly #now: () => number;
  readonly #onError: (error: unknown, context: string) => void;
  /** every cluster not yet forgotten, by id: the latest of each target, and older ones still collecting */
  readonly #clusters = new Map<string, Cluster>();
  /** the cluster of each target that new drops may join */
  readonly #latest = new Map<string, Cluster>();
  /** `target/leg` of legs whose last session ended in a drop and that have not opened one since */
  readonly #down = new Set<string>();
  readonly #unsubscribe: () => void;
  readonly #mayJudge: () => boolean;
  /** ids of final verdicts seen on the stream (another instance's too), oldest first, bounded */
  readonly #finalSeen = new Set<string>();
  /** timers of clusters waiting for the leaseholder's verdict; cleared on close */
  readonly #holderWaits = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(options: JudgeOptions) {
    this.#store = options.store;
    this.#bus = options.bus;
    this.#targets = options.targets;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? defaultOnError;
    this.#mayJudge = options.mayJudge ?? (() => true);
    // rtt events say nothing about drops: the judge never sees them.
    this.#unsubscribe = (options.events ?? options.bus).subscribe((stored) => this.#onEvent(stored.event), {
      rtt: 'ignore',
    });
  }

  /** The verdict on a drop a user reported at `at`; judged now, with what is known now, and not stored. */
  async attribute(target: TargetConfig, at: number): Promise<Verdict> {
    const facts = targetFacts(target);
    const judgedAt = this.#now();
    const window = reportedWindow(at, target.correlationWindowMs, judgedAt);
    return judgeReport({ ...(await gatherFacts(this.#store, facts, window)), at }, { judgedAt });
  }

  /** Clusters still waiting for their window to pass (provisional), for tests and diagnostics. */
  get pending(): number {
    return [...this.#clusters.values()].filter((c) => c.phase === 'provisional').length;
  }

  /** Final clusters waiting one more window for the leaseholder's verdict, for tests and diagnostics. */
  get standingBy(): number {
    return this.#holderWaits.size;
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    for (const cluster of this.#clusters.values()) clearTimers(cluster);
    for (const timer of this.#holderWaits) clearTimeout(timer);
    this.#holderWaits.clear();
    this.#clusters.clear();
    this.#latest.clear();
    this.#down.clear();
  }

  #onEvent(event: HopEvent): void {
    if (this.#closed) return;
    if (event.kind === 'verdict') {
      if (event.verdict.final !== false) this.#rememberFinal(String(event.verdict.id));
      return;
    }
    if (event.kind === 'session_open') {
      this.#down.delete(`${event.target}/${event.leg}`);
      return;
    }
    if (event.kind !== 'session_close') return;
    const leg = `${event.target}/${event.leg}`;
    const session = event.session;
    if (!isDropSession(session)) {
      this.#down.delete(leg);
      return;
    }
    const stillDown = this.#down.has(leg) && ATTEMPT_CAUSES.includes(session.cause);
    this.#down.add(leg);
    if (stillDown) return;
    const target = this.#target(event.target);
    // A target removed by a reload: its last sessions closing are no longer anyone's concern.
    if (target === null) return;
    this.#addDrop(target, session);
  }

  #addDrop(target: TargetConfig, drop: Drop): void {
    const windowMs = target.correlationWindowMs;
    let cluster = this.#latest.get(target.name);
    if (cluster !== undefined && !joinsCluster(cluster.span, drop.closedAt, windowMs)) {
      // Superseded: a final cluster can take no late drop any more; a provisional one is made final on time.
      if (cluster.phase === 'final') this.#clusters.delete(cluster.id);
      cluster = undefined;
    }
    if (cluster === undefined) {
      cluster = {
        id: clusterVerdictId(target.name, drop),
        target: target.name,
        phase: 'provisional',
        span: { firstAt: drop.closedAt, lastAt: drop.closedAt },
        drops: new Map(),
        soon: null,
        recheck: null,
        due: null,
        judgments: 0,
        waitedForHolder: false,
      };
      this.#clusters.set(cluster.id, cluster);
      this.#latest.set(target.name, cluster);
    }
    cluster.span = {
      firstAt: Math.min(cluster.span.firstAt, drop.closedAt),
      lastAt: Math.max(cluster.span.lastAt, drop.closedAt),
    };
    cluster.drops.set(drop.id, drop);
    if (cluster.phase === 'final') {
      void this.#judge(cluster, true);
      return;
    }
    this.#armProvisional(cluster, target);
  }

  /** A drop joined a provisional cluster: judge it soon, again once clean legs have answered, final when due. */
  #armProvisional(cluster: Cluster, target: TargetConfig): void {
    const now = this.#now();
    const dueAt = clusterDueAt(cluster.span, target.correlationWindowMs);
    cluster.soon ??= setTimeout(() => {
      cluster.soon = null;
      if (this.#live(cluster)) void this.#judge(cluster, false);
    }, PROVISIONAL_DELAY_MS);
    if (cluster.recheck !== null) clearTimeout(cluster.recheck);
    cluster.recheck = null;
    const longestInterval = Math.max(0, ...target.legs.map((leg) => leg.heartbeat.intervalMs));
    const recheckAt = cluster.span.lastAt + longestInterval + RECHECK_SLACK_MS;
    if (recheckAt < dueAt) {
      cluster.recheck = setTimeout(
        () => {
          cluster.recheck = null;
          if (this.#live(cluster)) void this.#judge(cluster, false);
        },
        Math.max(0, recheckAt - now),
      );
    }
    if (cluster.due !== null) clearTimeout(cluster.due);
    cluster.due = setTimeout(() => this.#finalize(cluster), Math.max(0, dueAt - now));
  }

  #finalize(cluster: Cluster): void {
    cluster.due = null;
    if (!this.#live(cluster)) return;
    clearTimers(cluster);
    cluster.phase = 'final';
    void this.#judge(cluster, true);
    // Only the latest cluster of a target waits for late drops.
    if (this.#latest.get(cluster.target) !== cluster) this.#clusters.delete(cluster.id);
  }

  #live(cluster: Cluster): boolean {
    return !this.#closed && this.#clusters.get(cluster.id) === cluster;
  }

  async #judge(cluster: Cluster, final: boolean): Promise<void> {
    const target = this.#target(cluster.target);
    if (target === null) return;
    if (!this.#mayJudge() && !this.#standIn(cluster, final, target.correlationWindowMs)) return;
    cluster.judgments += 1;
    const judgment = cluster.judgments;
    // Fixed before the store is read: a drop joining meanwhile is judged next time.
    const drops = [...cluster.drops.values()];
    const window = judgedWindow(cluster.span, target.correlationWindowMs);
    try {
      const gathered = await gatherFacts(this.#store, targetFacts(target), window, drops);
      if (this.#closed || cluster.judgments !== judgment) return;
      const verdict = judgeCluster({ ...gathered, drops }, { judgedAt: this.#now(), id: cluster.id, final });
      this.#bus.publish({ kind: 'verdict', ts: verdict.judgedAt, target: target.name, leg: null, verdict });
    } catch (error) {
      // After close the store may be closing too; a read it cut short is nobody's concern any more.
      if (!this.#closed) this.#onError(error, `judging drop cluster ${cluster.id}`);
    }
  }

  /**
   * Without the lease: whether to judge anyway. Provisional verdicts are the holder's; a final one is judged
   * here only one window after it became final and only if the holder's final verdict has not come.
   */
  #standIn(cluster: Cluster, final: boolean, windowMs: number): boolean {
    if (!final) return false;
    if (cluster.waitedForHolder) return !this.#finalSeen.has(cluster.id);
    cluster.waitedForHolder = true;
    const timer = setTimeout(() => {
      this.#holderWaits.delete(timer);
      if (!this.#closed) void this.#judge(cluster, true);
    }, windowMs);
    this.#holderWaits.add(timer);
    return false;
  }

  #rememberFinal(id: string): void {
    this.#finalSeen.add(id);
    if (this.#finalSeen.size > VERDICTS_REMEMBERED) {
      const oldest = this.#finalSeen.values().next().value;
      if (oldest !== undefined) this.#finalSeen.delete(oldest);
    }
  }

  #target(name: string): TargetConfig | null {
    return this.#targets().find((t) => t.name === name) ?? null;
  }
}

function clearTimers(cluster: Cluster): void {
  for (const timer of [cluster.soon, cluster.recheck, cluster.due]) if (timer !== null) clearTimeout(timer);
  cluster.soon = null;
  cluster.recheck = null;
  cluster.due = null;
}

function defaultOnError(error: unknown, context: string): void {
  console.error(`hopwatch judge: ${context}:`, error);
}
