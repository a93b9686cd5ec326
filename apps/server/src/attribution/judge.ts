// The judge: watches drops on the bus, groups them into clusters per target, and publishes a verdict once a
// cluster's correlation window has passed with no new drop. The store records it from the verdict event
// (its projection), the live hub relays it, GET /api/drops serves it.
//
// New drops join the latest cluster of their target; each cluster is an explicit little state machine:
//
//   (none) ──drop──▶ collecting ──window passed, no new drop──▶ judged
//                     ▲      │ drop joins: timer re-armed          │
//                     │      └─────────────────────────────        │
//                     └──────────── a late drop joins ─────────────┘  (re-judged: same id, new judgedAt)
//
// Judging reads the store, which answers asynchronously: the drops judged are the ones the cluster held when
// its window passed, a judge closed meanwhile publishes nothing, and of two judgments of one cluster in flight
// (a late drop re-armed it while the first was reading) only the newer may publish.
//
// A drop that does not join (past the window, or the cluster reached its maximum span) starts a new cluster;
// the old one is still judged when its own window has passed. Clusters still collecting at shutdown are not
// judged: their drops are stored, and GET /api/attribute can still judge that time.
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
   * not, a cluster whose window passed waits another window for the holder's verdict and judges it then if
   * none came, so a holder that died is replaced within one correlation window.
   */
  mayJudge?: () => boolean;
  store: EvidenceStore;
  /** the targets as configured now: a reload may add, change or remove them */
  targets: () => readonly TargetConfig[];
  now?: () => number;
  /** a verdict that could not be judged (a storage error) is reported here, never thrown into the bus */
  onError?: (error: unknown, context: string) => void;
}

type ClusterPhase = 'collecting' | 'judged';

interface Cluster {
  id: string;
  target: string;
  phase: ClusterPhase;
  span: ClusterSpan;
  drops: Map<string, Drop>;
  timer: NodeJS.Timeout | null;
  /** judgments begun; one that finds this changed when the store answers was superseded */
  judgments: number;
  /** not the leaseholder when its window passed: it waited one more window for the holder's verdict */
  waitedForHolder: boolean;
}

/** verdict ids remembered to know the leaseholder judged a cluster */
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
  /** ids of verdicts seen on the stream (another instance's too), newest last, bounded */
  readonly #verdictsSeen = new Set<string>();
  #closed = false;

  constructor(options: JudgeOptions) {
    this.#store = options.store;
    this.#bus = options.bus;
    this.#targets = options.targets;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? defaultOnError;
    this.#mayJudge = options.mayJudge ?? (() => true);
    this.#unsubscribe = (options.events ?? options.bus).subscribe((stored) => this.#onEvent(stored.event));
  }

  /** The verdict on a drop a user reported at `at`; judged now, with what is known now, and not stored. */
  async attribute(target: TargetConfig, at: number): Promise<Verdict> {
    const facts = targetFacts(target);
    const judgedAt = this.#now();
    const window = reportedWindow(at, target.correlationWindowMs, judgedAt);
    return judgeReport({ ...(await gatherFacts(this.#store, facts, window)), at }, { judgedAt });
  }

  /** Clusters still waiting for their window to pass, for tests and diagnostics. */
  get pending(): number {
    return [...this.#clusters.values()].filter((c) => c.phase === 'collecting').length;
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    for (const cluster of this.#clusters.values()) clearTimer(cluster);
    this.#clusters.clear();
    this.#latest.clear();
    this.#down.clear();
  }

  #onEvent(event: HopEvent): void {
    if (this.#closed) return;
    if (event.kind === 'verdict') {
      this.#verdictsSeen.add(String(event.verdict.id));
      if (this.#verdictsSeen.size > VERDICTS_REMEMBERED) {
        const oldest = this.#verdictsSeen.values().next().value;
        if (oldest !== undefined) this.#verdictsSeen.delete(oldest);
      }
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
      // Superseded: a judged cluster can take no late drop any more; a collecting one is judged on time.
      if (cluster.phase === 'judged') this.#clusters.delete(cluster.id);
      cluster = undefined;
    }
    if (cluster === undefined) {
      cluster = {
        id: clusterVerdictId(target.name, drop),
        target: target.name,
        phase: 'collecting',
        span: { firstAt: drop.closedAt, lastAt: drop.closedAt },
        drops: new Map(),
        timer: null,
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
    cluster.phase = 'collecting';
    cluster.waitedForHolder = false;
    this.#arm(cluster, windowMs);
  }

  #arm(cluster: Cluster, windowMs: number): void {
    clearTimer(cluster);
    const delay = Math.max(0, clusterDueAt(cluster.span, windowMs) - this.#now());
    cluster.timer = setTimeout(() => this.#fire(cluster), delay);
  }

  #fire(cluster: Cluster): void {
    cluster.timer = null;
    if (this.#closed || this.#clusters.get(cluster.id) !== cluster) return;
    if (!this.#mayJudge() && !cluster.waitedForHolder) {
      // Another instance judges; this one judges only if no verdict came within one more window.
      cluster.waitedForHolder = true;
      const target = this.#target(cluster.target);
      cluster.timer = setTimeout(() => this.#fire(cluster), target?.correlationWindowMs ?? 0);
      return;
    }
    if (cluster.waitedForHolder && this.#verdictsSeen.has(cluster.id)) {
      cluster.phase = 'judged';
      if (this.#latest.get(cluster.target) !== cluster) this.#clusters.delete(cluster.id);
      return;
    }
    void this.#judge(cluster);
    // Only the latest cluster of a target waits for late drops.
    if (this.#latest.get(cluster.target) !== cluster) this.#clusters.delete(cluster.id);
  }

  async #judge(cluster: Cluster): Promise<void> {
    cluster.phase = 'judged';
    const target = this.#target(cluster.target);
    if (target === null) return;
    cluster.judgments += 1;
    const judgment = cluster.judgments;
    // Fixed before the store is read: a drop joining meanwhile re-arms the cluster and is judged next time.
    const drops = [...cluster.drops.values()];
    const window = judgedWindow(cluster.span, target.correlationWindowMs);
    try {
      const gathered = await gatherFacts(this.#store, targetFacts(target), window, drops);
      if (this.#closed || cluster.judgments !== judgment) return;
      const verdict = judgeCluster({ ...gathered, drops }, { judgedAt: this.#now(), id: cluster.id });
      this.#bus.publish({ kind: 'verdict', ts: verdict.judgedAt, target: target.name, leg: null, verdict });
    } catch (error) {
      // After close the store may be closing too; a read it cut short is nobody's concern any more.
      if (!this.#closed) this.#onError(error, `judging drop cluster ${cluster.id}`);
    }
  }

  #target(name: string): TargetConfig | null {
    return this.#targets().find((t) => t.name === name) ?? null;
  }
}

function clearTimer(cluster: Cluster): void {
  if (cluster.timer !== null) clearTimeout(cluster.timer);
  cluster.timer = null;
}

function defaultOnError(error: unknown, context: string): void {
  console.error(`hopwatch judge: ${context}:`, error);
}
