// The signature catalog (docs/spec.md#6-signature-catalog): what the evidence says about the mechanism, not just the place.
// One table, SIGNATURES: each entry reads the same evidence and either matches, with a summary, the facts it
// used and the culprits from catalog.ts, or does not. Adding a signature is adding a row.
//
// Definitions and tolerances (all ages compared "within 5%": |a - b| <= 5% of the larger; duration-cap and
// idle-timeout ignore ages and silences under MIN_CAP_MS):
// - duration-cap: on a dropped leg, the judged drop and at least 2 more of its RECENT_SESSIONS newest
//   sessions the path ended (cut, reset or closed: never hopwatch's own heartbeat_timeout, whose age is set by
//   hopwatch's watchdog, never a failed attempt) with the same cause, at ages within 5% of each other, while
//   traffic crossed the path until shortly before each cut (its silence clearly shorter than its age). So idle
//   timeouts are ruled out and the culprits are lifetime caps and periodic restarts. A session cut before
//   anything crossed it is idle-timeout's evidence, not a cap's.
// - idle-timeout: the judged drop and at least 2 more, ended by the path with the same cause, after silences
//   (`silenceMs`) within 5% of each other, and the leg heartbeats less often than that silence, so the path saw
//   nothing for that long.
// - heartbeat-multiple: the far side (not hopwatch's own watchdog) ended the judged drop and at least one more
//   at the same age, and that age is 2 or 3 times the leg's own heartbeat interval, or a known peer heartbeat's
//   give-up age (Home Assistant 55s: ~82s or 110s; socket.io 45s; SignalR 30s; Phoenix 60s); and at least 2
//   of those sessions began as reconnects after a drop, so their ages are independent (see independentStarts).
// - stall-before-drop: a heartbeat_timeout whose session's answered RTTs ended at least 3x (and 10ms above)
//   the median of the earlier samples, rising mostly monotonically over at least 2 heartbeat intervals.
// - mass-drop: sessions of 2 or more legs that the path ended (not hopwatch's heartbeat_timeout, whose moment
//   is set by each leg's heartbeat phase) dropped within 1 second of each other.
// - h2-upgrade: an upgrade answered 400 on a leg whose server negotiates ALPN h2: the session's own ALPN, or
//   the prober's periodic ALPN check (`handshake.alpnProbe`) on that attempt or a recent session of the leg.
// - prober-stall: hopwatch's event loop stalled during the window, or a drop was taken while it did; with
//   several vantages, hopwatch at a vantage whose legs the verdict rests on (see vantage-stalls.ts).
import { ATTEMPT_CAUSES } from '../protocol/causes.js';
import type { Session } from '../protocol/session.js';
import type { SignatureId, SignatureMatch } from '../protocol/verdict.js';
import {
  type CatalogEntry,
  culpritsOfKind,
  DURATION_TOLERANCE,
  describeCulprit,
  nearlyEqual,
  toCulprit,
} from './catalog.js';
import { age, clockTime, listAnd, listOr } from './text.js';
import type { Drop, HeartbeatSample, LegFacts, ProberStall, TargetFacts, TimeWindow } from './types.js';
import { stallBearsOn, vantageOfLeg } from './vantage-stalls.js';

/** How many of a leg's newest closed sessions count as "recent". */
export const RECENT_SESSIONS = 10;
/** duration-cap and idle-timeout need this many sessions at the same age or silence. */
export const REPEATS_FOR_CAP = 3;
/**
 * duration-cap and idle-timeout ignore ages and silences below this: no known cap or idle timeout is shorter
 * (the shortest in the catalog is Traefik's 2-3 s regression), and a hop that closes every new session right
 * after its 101 (the lab's close fault while it lasts) repeats "ages" of a few milliseconds: a refusal, not a timer.
 */
export const MIN_CAP_MS = 1_000;
/** heartbeat-multiple names a specific mechanism, so two sessions at the predicted age are enough. */
export const REPEATS_FOR_MULTIPLE = 2;
/** Multiples of the leg's own heartbeat interval at which a peer counting missed heartbeats gives up. */
export const OWN_HEARTBEAT_MULTIPLES = [2, 3] as const;
/** stall-before-drop: the last answered RTTs must reach this multiple of the earlier median... */
export const STALL_RISE_FACTOR = 3;
/** ...and be at least this much above it, so loopback jitter around 0.2ms is never a "climb". */
export const STALL_MIN_RISE_MS = 10;
/** mass-drop: drops of different legs within this span count as one event. */
export const MASS_DROP_SPAN_MS = 1_000;
export const MASS_DROP_MIN_LEGS = 2;

export interface SignatureEvidence {
  target: TargetFacts;
  kind: 'cluster' | 'reported';
  window: TimeWindow;
  /** the drops being judged, oldest first */
  drops: readonly Drop[];
  /** recent closed sessions of the target's legs (any order); may include the judged drops */
  recent: readonly Session[];
  /** heartbeats of the target's legs, from well before the window (see sampleLookbackMs) to its end */
  samples: readonly HeartbeatSample[];
  /** hopwatch's own stalls overlapping the window, at every vantage */
  stalls: readonly ProberStall[];
  /**
   * the legs the verdict rests on (dropped or clean): only stalls at their vantages bear on it (default: every
   * leg of the target)
   */
  witnesses?: readonly string[];
  /** the verdict's suspects, so a signature can say which hop it means */
  suspects: readonly string[];
}

export interface Signature {
  id: SignatureId;
  /** what the signature looks for, for documentation and the dashboard's legend */
  describe: string;
  match(evidence: SignatureEvidence): SignatureMatch | null;
}

export const SIGNATURES: readonly Signature[] = [
  {
    id: 'duration-cap',
    describe: 'three or more sessions on a leg ended by the path at nearly the same age',
    match: matchDurationCap,
  },
  {
    id: 'idle-timeout',
    describe: 'three or more sessions cut after nearly the same silence, longer heartbeat interval than that',
    match: matchIdleTimeout,
  },
  {
    id: 'heartbeat-multiple',
    describe: 'reconnected sessions ended by the far side at a multiple of a heartbeat interval',
    match: matchHeartbeatMultiple,
  },
  {
    id: 'stall-before-drop',
    describe: 'RTT climbing for several heartbeats before a heartbeat timeout',
    match: matchStallBeforeDrop,
  },
  {
    id: 'mass-drop',
    describe: 'several legs dropped by the path within the same second',
    match: matchMassDrop,
  },
  {
    id: 'h2-upgrade',
    describe: 'upgrade answered 400 while the server negotiates ALPN h2',
    match: matchH2Upgrade,
  },
  {
    id: 'prober-stall',
    describe: 'hopwatch itself stalled: the drop is not evidence',
    match: matchProberStall,
  },
];

/** Every signature that matches, in catalog order. */
export function matchSignatures(evidence: SignatureEvidence): SignatureMatch[] {
  return SIGNATURES.flatMap((signature) => signature.match(evidence) ?? []);
}

type StallEvidence = Pick<SignatureEvidence, 'target' | 'drops' | 'stalls' | 'window' | 'witnesses'>;

/**
 * hopwatch stalled during the window, or took one of the drops while stalled, at a vantage whose legs the
 * verdict rests on: nothing here is evidence.
 */
export function proberStalled(evidence: StallEvidence): boolean {
  return stalledDrops(evidence).length > 0 || stallsIn(evidence).length > 0;
}

/**
 * How far before the window the judge should fetch heartbeats, for stall-before-drop: 20 intervals, at least a
 * minute (a climb on fast heartbeats can end in many seconds of replies too late to count before the timeout;
 * the lab's slowing app: 9 s), at most 10 minutes.
 */
export function sampleLookbackMs(target: TargetFacts): number {
  const longest = Math.max(0, ...target.legs.map((leg) => leg.heartbeatIntervalMs));
  return Math.min(Math.max(20 * longest, MIN_SAMPLE_LOOKBACK_MS), 600_000);
}

const MIN_SAMPLE_LOOKBACK_MS = 60_000;

// --- duration-cap ---

function matchDurationCap(evidence: SignatureEvidence): SignatureMatch | null {
  const found = repeatedPerLeg(evidence, REPEATS_FOR_CAP, (s) => s.durationMs, carriedTraffic);
  const [first] = found;
  if (first === undefined) return null;
  const evidenceLines: string[] = [];
  const culprits = new Map<CatalogEntry, true>();
  const ruledOut = new Map<CatalogEntry, true>();
  for (const { leg, sessions, typical } of found) {
    evidenceLines.push(
      `${sessions.length} sessions on ${leg.name} ended by the path (${sessions[0]!.cause}) at ${sessions.map((s) => age(s.durationMs!)).join(', ')}`,
      heartbeatsKeptBusy(leg, typical)
        ? `${leg.name} heartbeats every ${age(leg.heartbeatIntervalMs)}, so the path was never idle for ${age(typical)}`
        : `traffic crossed ${leg.name} until ${sessions.map((s) => (s.silenceMs === null ? '?' : age(s.silenceMs))).join(', ')} before each cut`,
    );
    for (const e of culpritsOfKind(['idle'], typical)) ruledOut.set(e, true);
    for (const e of culpritsOfKind(['lifetime', 'restart'], typical)) culprits.set(e, true);
  }
  if (ruledOut.size > 0) {
    evidenceLines.push(
      `not an idle timeout, ruled out: ${[...ruledOut.keys()].map(describeCulprit).join('; ')}`,
    );
  }
  const named = [...culprits.keys()];
  const head = `sessions on ${first.leg.name} are cut at ~${age(first.typical)}`;
  const despite = heartbeatsKeptBusy(first.leg, first.typical)
    ? `despite heartbeats every ${age(first.leg.heartbeatIntervalMs)}`
    : 'despite traffic until shortly before each cut';
  const fix =
    named.length > 0
      ? `: ${listOr(named.map(describeCulprit))}; raise or remove that limit`
      : `; no known default is ${age(first.typical)}, so look for a configured maximum connection duration (e.g. Envoy max_connection_duration)`;
  return {
    id: 'duration-cap',
    summary: `${head} ${despite}: a lifetime cap or a periodic restart, not an idle timeout${fix}`,
    evidence: evidenceLines,
    culprits: (named.length > 0
      ? named
      : culpritsOfKind(['lifetime']).filter((e) => e.defaultsMs.length === 0)
    ).map(toCulprit),
  };
}

/** hopwatch's heartbeats cross the path more often than `ageMs`, so no idle timer of that length can fire. */
function heartbeatsKeptBusy(leg: LegFacts, ageMs: number): boolean {
  return leg.heartbeatIntervalMs < ageMs * (1 - DURATION_TOLERANCE);
}

/**
 * Something crossed the path well before the cut, so no idle timer as long as the session's age fired: its
 * silence at the cut is clearly shorter than its age (or, not recorded, hopwatch's heartbeats were). A session
 * cut before anything crossed it may be an idle timeout firing on a fixed heartbeat phase: no cap evidence.
 */
function carriedTraffic(session: Session, leg: LegFacts): boolean {
  if (session.silenceMs === null) return heartbeatsKeptBusy(leg, session.durationMs!);
  return session.silenceMs < session.durationMs! * (1 - DURATION_TOLERANCE);
}

// --- idle-timeout ---

function matchIdleTimeout(evidence: SignatureEvidence): SignatureMatch | null {
  const found = repeatedPerLeg(evidence, REPEATS_FOR_CAP, (s) => s.silenceMs, diedInFirstGap).filter(
    ({ leg, typical }) => leg.heartbeatIntervalMs > typical,
  );
  const [first] = found;
  if (first === undefined) return null;
  const culprits = [...new Set(found.flatMap(({ typical }) => culpritsOfKind(['idle'], typical)))];
  const keepAlive = Math.max(1_000, Math.floor(first.typical / 2_000) * 1_000);
  const lines = found.flatMap(({ leg, sessions, typical }) => [
    `${sessions.length} sessions on ${leg.name} cut after ${sessions.map((s) => age(s.silenceMs!)).join(', ')} of silence`,
    `${leg.name} heartbeats every ${age(leg.heartbeatIntervalMs)}, longer than the ${age(typical)} the path allows`,
  ]);
  const named = culprits.length > 0 ? ` (${listOr(culprits.map(describeCulprit))})` : '';
  return {
    id: 'idle-timeout',
    summary:
      `an idle timeout of ~${age(first.typical)} on the path${named} cuts ${first.leg.name} between heartbeats: ` +
      `heartbeat more often than ${age(first.typical)} (e.g. every ${age(keepAlive)}), or raise the knob`,
    evidence: lines,
    culprits: culprits.map(toCulprit),
  };
}

/**
 * An idle timeout of S under heartbeats every I > S cuts a session in its first gap, so it never lives longer
 * than I + S. A session that did outlived a silence longer than S: its repeated silence at the cut is the
 * phase of a lifetime cap against the heartbeat clock (cap 95s, heartbeat 10s: always 5s), not an idle timer.
 */
function diedInFirstGap(session: Session, leg: LegFacts): boolean {
  return session.durationMs! <= leg.heartbeatIntervalMs + session.silenceMs! * (1 + DURATION_TOLERANCE);
}

// --- heartbeat-multiple ---

interface GiveUpAge {
  ageMs: number;
  explains: string;
  culprit: CatalogEntry | null;
}

function matchHeartbeatMultiple(evidence: SignatureEvidence): SignatureMatch | null {
  for (const leg of droppedLegs(evidence)) {
    const anchor = latestEstablishedDrop(evidence, leg.name);
    // hopwatch's own watchdog firing at timeout after a lost heartbeat is not a peer giving up.
    if (anchor === null || anchor.cause === 'heartbeat_timeout') continue;
    const pool = recentEstablishedDrops(evidence, leg.name, anchor).filter(
      (s) => s.cause !== 'heartbeat_timeout',
    );
    for (const giveUp of giveUpAges(leg)) {
      if (!nearlyEqual(anchor.durationMs!, giveUp.ageMs)) continue;
      const same = pool.filter((s) => nearlyEqual(s.durationMs!, giveUp.ageMs));
      if (independentStarts(same, evidence).length < REPEATS_FOR_MULTIPLE) continue;
      const whose =
        giveUp.culprit === null ? "a peer counting hopwatch's heartbeats" : describeCulprit(giveUp.culprit);
      return {
        id: 'heartbeat-multiple',
        summary:
          `sessions on ${leg.name} end at ~${age(giveUp.ageMs)}, ${giveUp.explains}: the far side's heartbeat gave up ` +
          `(${whose}); its pings or pongs are not getting through in time, look for backpressure or a stalled app`,
        evidence: [
          `${same.length} sessions on ${leg.name} ended by the far side at ${same.map((s) => age(s.durationMs!)).join(', ')}`,
          `${age(giveUp.ageMs)} = ${giveUp.explains}`,
        ],
        culprits: giveUp.culprit === null ? [] : [toCulprit(giveUp.culprit)],
      };
    }
  }
  return null;
}

/**
 * The sessions whose start no other clock shares: each began as a reconnect after the path dropped the leg's
 * previous session. Why only those count, as chance goes: a session ended by something unrelated to
 * heartbeats (a scheduled reset, a restart) dies at an age set by when it began. Sessions that began as
 * hopwatch (re)started, or after hopwatch closed the previous one, began on hopwatch's clock; anything else
 * started with it (the lab's own fault schedule, a deploy that restarts both) then hits them at the same age
 * every time, with probability ~1: two scheduled lb resets 45 s after two restarts matched socket.io's 45 s.
 * Reconnects begin when the path last dropped the leg, plus a jittered backoff: their ages are independent
 * draws. For one of them to land within ±5% of a given give-up age A by chance, with lifetimes spread over
 * some L, is p ≈ 0.1·A/L (A = 45 s, L = 5 min: ~1.5%); for two to land on the same one of the ~8 give-up
 * ages, Σ p² ≈ 0.2%. So two reconnects at one give-up age are evidence; any number of aligned starts are one.
 */
function independentStarts(sessions: readonly Session[], evidence: SignatureEvidence): Session[] {
  const known = [...evidence.recent, ...evidence.drops];
  return sessions.filter((s) => {
    const previous = known
      .filter((p) => p.leg === s.leg && p.id !== s.id && p.closedAt !== null && p.closedAt <= s.openedAt)
      .reduce<Session | null>(
        (latest, p) => (latest === null || p.closedAt! > latest.closedAt! ? p : latest),
        null,
      );
    return previous !== null && previous.cause !== null;
  });
}

function giveUpAges(leg: LegFacts): GiveUpAge[] {
  const own = OWN_HEARTBEAT_MULTIPLES.map((k) => ({
    ageMs: k * leg.heartbeatIntervalMs,
    explains: `${k} × ${leg.name}'s own ${age(leg.heartbeatIntervalMs)} heartbeat`,
    culprit: null,
  }));
  const peers = culpritsOfKind(['peer-heartbeat']).flatMap((entry) =>
    entry.defaultsMs.map((ageMs) => ({
      ageMs,
      explains: `${Number((ageMs / entry.intervalMs!).toFixed(1))} × the ${age(entry.intervalMs!)} heartbeat of ${entry.component}`,
      culprit: entry,
    })),
  );
  return [...own, ...peers];
}

// --- stall-before-drop ---

function matchStallBeforeDrop(evidence: SignatureEvidence): SignatureMatch | null {
  const lines: string[] = [];
  let firstLeg: string | null = null;
  let firstRise = '';
  for (const drop of evidence.drops) {
    if (drop.cause !== 'heartbeat_timeout' || drop.suspect) continue;
    const leg = evidence.target.legs.find((l) => l.name === drop.leg);
    if (leg === undefined) continue;
    const climb = rttClimb(evidence.samples, drop, leg);
    if (climb === null) continue;
    lines.push(
      `${drop.leg}: RTT rose from ${age(climb.baselineMs)} to ${age(climb.peakMs)} over ${age(climb.spanMs)}, ` +
        `then the heartbeat timed out at ${clockTime(drop.closedAt)}`,
    );
    if (firstLeg === null) {
      firstLeg = drop.leg;
      firstRise = `${Math.round(climb.peakMs / climb.baselineMs)}× over ${age(climb.spanMs)}`;
    }
  }
  if (firstLeg === null) return null;
  return {
    id: 'stall-before-drop',
    summary:
      `RTT on ${firstLeg} climbed ${firstRise} before its heartbeat timed out: a flow-control or event-loop stall ` +
      `on the far side (a full proxy buffer, a busy app), not a network cut`,
    evidence: lines,
    culprits: culpritsOfKind(['flow-control']).map(toCulprit),
  };
}

interface RttClimb {
  baselineMs: number;
  peakMs: number;
  spanMs: number;
}

const TAIL = 3;
const MIN_SAMPLES = TAIL + 3;
/** a sample at most this multiple of the baseline is "still normal": the climb starts after the last one */
const NORMAL_FACTOR = 1.5;
/** share of steps in the climb that must not go down ("monotone-ish") */
const RISING_SHARE = 0.6;

function rttClimb(samples: readonly HeartbeatSample[], drop: Drop, leg: LegFacts): RttClimb | null {
  const answered = samples
    .filter((s) => s.sessionId === drop.id && !s.suspect && s.rttMs !== null && s.ts <= drop.closedAt)
    .sort((a, b) => a.ts - b.ts);
  if (answered.length < MIN_SAMPLES) return null;
  const rtts = answered.map((s) => s.rttMs!);
  const baselineMs = median(rtts.slice(0, Math.ceil(rtts.length / 2)));
  const tail = rtts.slice(-TAIL);
  const raised = (rtt: number) =>
    rtt >= STALL_RISE_FACTOR * baselineMs && rtt - baselineMs >= STALL_MIN_RISE_MS;
  if (!tail.every(raised)) return null;

  let start = rtts.length - TAIL;
  while (start > 0 && rtts[start]! > NORMAL_FACTOR * baselineMs) start -= 1;
  const climb = rtts.slice(start);
  const steps = climb.length - 1;
  const rising = climb.slice(1).filter((rtt, i) => rtt >= climb[i]!).length;
  if (steps === 0 || rising / steps < RISING_SHARE) return null;
  const spanMs = answered[answered.length - 1]!.ts - answered[start]!.ts;
  if (spanMs < 2 * leg.heartbeatIntervalMs) return null;
  return { baselineMs, peakMs: Math.max(...tail), spanMs };
}

// --- mass-drop ---

function matchMassDrop(evidence: SignatureEvidence): SignatureMatch | null {
  const drops = evidence.drops.filter(endedByPath).sort((a, b) => a.closedAt - b.closedAt);
  let best: Drop[] = [];
  for (const [i, first] of drops.entries()) {
    const together = drops.slice(i).filter((d) => d.closedAt - first.closedAt <= MASS_DROP_SPAN_MS);
    if (distinctLegs(together).length > distinctLegs(best).length) best = together;
  }
  const legs = distinctLegs(best);
  if (legs.length < MASS_DROP_MIN_LEGS) return null;
  const spread = best[best.length - 1]!.closedAt - best[0]!.closedAt;
  const causes = [...new Set(best.map((d) => d.cause))];
  const lines = [
    `${listAnd(legs)} dropped within ${age(spread)} (${causes.join(', ')}) at ${clockTime(best[0]!.closedAt)}`,
  ];
  const restartCodes = best.filter((d) => d.closeCode === 1001 || d.closeCode === 1012);
  if (restartCodes.length > 0) {
    lines.push(
      `close codes ${[...new Set(restartCodes.map((d) => d.closeCode))].join(', ')}: the far side said it was going away`,
    );
  }
  const hop = evidence.suspects.length > 0 ? listOr(evidence.suspects) : 'a hop they share';
  return {
    id: 'mass-drop',
    summary:
      `${listAnd(legs)} dropped within the same second: ${hop} restarted or dropped every connection at once ` +
      `(e.g. a cloudflared autoupdate, a proxy reload or drain)`,
    evidence: lines,
    culprits: focusOn(culpritsOfKind(['restart']), evidence.suspects).map(toCulprit),
  };
}

/**
 * The culprits whose component the suspects name (segment "cloudflare" → cloudflared, Cloudflare proxy), or
 * all of them when the segment names say nothing about the software behind them.
 */
function focusOn(culprits: readonly CatalogEntry[], suspects: readonly string[]): CatalogEntry[] {
  const words = suspects.flatMap((s) => s.toLowerCase().split(/[^a-z0-9]+/)).filter((w) => w.length >= 4);
  const named = culprits.filter((c) => words.some((w) => c.component.toLowerCase().includes(w)));
  return named.length > 0 ? named : [...culprits];
}

// --- h2-upgrade ---

function matchH2Upgrade(evidence: SignatureEvidence): SignatureMatch | null {
  const rejected = evidence.drops.filter((d) => d.cause === 'handshake_rejected' && d.httpStatus === 400);
  const lines: string[] = [];
  const legs: string[] = [];
  for (const drop of rejected) {
    if (legs.includes(drop.leg)) continue;
    const h2 = h2Evidence(evidence, drop);
    if (h2 === null) continue;
    legs.push(drop.leg);
    lines.push(`${drop.leg}: upgrade answered 400 at ${clockTime(drop.closedAt)}; ${h2}`);
  }
  if (legs.length === 0) return null;
  return {
    id: 'h2-upgrade',
    summary:
      `the WebSocket upgrade on ${listAnd(legs)} is answered 400 while the server negotiates ALPN h2: that hop needs ` +
      `HTTP/1.1 for WebSocket (offer only http/1.1 in ALPN) or RFC 8441 extended CONNECT`,
    evidence: lines,
    culprits: culpritsOfKind(['handshake'])
      .filter((e) => e.component === 'HTTP/2')
      .map(toCulprit),
  };
}

/**
 * Why we believe the leg's server picks h2: its own connection negotiated h2, or the prober's ALPN check
 * (offering `h2, http/1.1` as browsers do) saw the server select it, on this attempt or a recent session.
 */
function h2Evidence(evidence: SignatureEvidence, drop: Drop): string | null {
  const recent = evidence.recent
    .filter((s) => s.leg === drop.leg)
    .sort((a, b) => (b.closedAt ?? Number.POSITIVE_INFINITY) - (a.closedAt ?? Number.POSITIVE_INFINITY));
  const sessions = [drop, ...recent];
  if (sessions.some((s) => s.handshake.alpn === 'h2')) return 'the connection negotiated ALPN h2';
  const probe = sessions.map((s) => s.handshake.alpnProbe).find((p) => p !== null && p !== undefined);
  if (probe?.selected !== 'h2') return null;
  const connect =
    probe.extendedConnect === null
      ? ''
      : `, extended CONNECT ${probe.extendedConnect ? 'advertised' : 'not advertised'}`;
  return `offered h2 and http/1.1, the server selects h2${connect} (checked ${clockTime(probe.checkedAt)})`;
}

// --- prober-stall ---

function matchProberStall(evidence: SignatureEvidence): SignatureMatch | null {
  if (!proberStalled(evidence)) return null;
  const stalls = stallsIn(evidence);
  const lines = stalls.map((s) => {
    const where = s.vantage === undefined ? '' : ` (vantage ${s.vantage})`;
    return `hopwatch's event loop stalled ${age(s.delayMs)} at ${clockTime(s.ts)}${where}`;
  });
  const suspectDrops = stalledDrops(evidence);
  if (suspectDrops.length > 0) {
    lines.push(`${listAnd(distinctLegs(suspectDrops))} dropped while hopwatch itself was stalled`);
  }
  const longest = Math.max(0, ...stalls.map((s) => s.delayMs));
  const how = longest > 0 ? ` (${age(longest)} event-loop delay)` : '';
  return {
    id: 'prober-stall',
    summary: `hopwatch itself stalled${how}: these drops are not evidence against the path`,
    evidence: lines,
    culprits: [],
  };
}

/** The stalls in the window at a vantage the verdict rests on. */
function stallsIn(evidence: StallEvidence): ProberStall[] {
  const { window } = evidence;
  const bears = bearsOn(evidence);
  return evidence.stalls.filter(
    (s) => s.ts >= window.from && s.ts - s.delayMs <= window.to && bears(s.vantage),
  );
}

/** The drops taken while hopwatch stalled, at a vantage the verdict rests on. */
function stalledDrops(evidence: StallEvidence): Drop[] {
  const bears = bearsOn(evidence);
  return evidence.drops.filter((d) => d.suspect && bears(vantageOfLeg(evidence.target, d.leg)));
}

function bearsOn(evidence: StallEvidence): (vantage: string | undefined) => boolean {
  return stallBearsOn(evidence.target, evidence.witnesses ?? evidence.target.legs.map((leg) => leg.name));
}

// --- shared helpers ---

interface Repeated {
  leg: LegFacts;
  sessions: Session[];
  /** the median of their ages (or silences) */
  typical: number;
}

/**
 * Per dropped leg: its latest judged drop and the recent drops whose `measure` lies within 5% of each other,
 * as the largest such group containing the judged drop, when it has at least `repeats` sessions.
 */
function repeatedPerLeg(
  evidence: SignatureEvidence,
  repeats: number,
  measure: (s: Session) => number | null,
  admits: (s: Session, leg: LegFacts) => boolean = () => true,
): Repeated[] {
  const found: Repeated[] = [];
  for (const leg of droppedLegs(evidence)) {
    const anchor = latestDrop(evidence, leg.name, endedByPath);
    const measured = (s: Session) => {
      const value = measure(s);
      return value !== null && value >= MIN_CAP_MS;
    };
    if (anchor === null || !measured(anchor) || !admits(anchor, leg)) continue;
    // One mechanism cuts one way: a cap that resets does not also close with a frame, or time out.
    const pool = recentEstablishedDrops(evidence, leg.name, anchor).filter(
      (s) => sameEnding(s, anchor) && measured(s) && admits(s, leg),
    );
    const group = largestGroupAround(pool, anchor, (s) => measure(s)!);
    if (group.length < repeats) continue;
    found.push({ leg, sessions: group, typical: median(group.map((s) => measure(s)!)) });
  }
  return found.sort((a, b) => b.sessions.length - a.sessions.length);
}

/** The largest set of items containing `anchor` whose values are within 5% of each other, newest first. */
function largestGroupAround(
  items: readonly Session[],
  anchor: Session,
  value: (s: Session) => number,
): Session[] {
  const sorted = [...items].sort((a, b) => value(a) - value(b));
  let best: Session[] = [];
  for (let i = 0; i < sorted.length; i += 1) {
    const low = value(sorted[i]!);
    const group = sorted.slice(i).filter((s) => value(s) - low <= DURATION_TOLERANCE * value(s));
    if (group.some((s) => s.id === anchor.id) && group.length > best.length) best = group;
  }
  return best.sort((a, b) => (b.closedAt ?? 0) - (a.closedAt ?? 0));
}

function droppedLegs(evidence: SignatureEvidence): LegFacts[] {
  const names = distinctLegs(evidence.drops.filter((d) => !d.suspect));
  return evidence.target.legs.filter((leg) => names.includes(leg.name));
}

function latestEstablishedDrop(evidence: SignatureEvidence, leg: string): Drop | null {
  return latestDrop(evidence, leg, isEstablished);
}

function latestDrop(evidence: SignatureEvidence, leg: string, counts: (d: Drop) => boolean): Drop | null {
  const drops = evidence.drops.filter((d) => d.leg === leg && counts(d));
  return drops.reduce<Drop | null>(
    (latest, d) => (latest === null || d.closedAt > latest.closedAt ? d : latest),
    null,
  );
}

/** The leg's newest RECENT_SESSIONS established drops up to and including `anchor`. */
function recentEstablishedDrops(evidence: SignatureEvidence, leg: string, anchor: Drop): Session[] {
  const byId = new Map<string, Session>();
  for (const s of [...evidence.recent, ...evidence.drops]) {
    if (s.leg === leg && isEstablished(s) && s.closedAt! <= anchor.closedAt) byId.set(s.id, s);
  }
  return [...byId.values()].sort((a, b) => b.closedAt! - a.closedAt!).slice(0, RECENT_SESSIONS);
}

/** A session that was up and that the path ended: not a failed attempt, not hopwatch's own close or stall. */
function isEstablished(s: Session): s is Drop {
  return (
    s.closedAt !== null &&
    s.cause !== null &&
    !ATTEMPT_CAUSES.includes(s.cause) &&
    !s.suspect &&
    s.durationMs !== null &&
    s.durationMs > 0
  );
}

/**
 * An established session that the path itself ended: cut (abnormal_close), reset, or closed with a frame.
 * Not hopwatch's heartbeat_timeout: its moment and age are set by hopwatch's watchdog and the leg's heartbeat
 * phase, not by anything on the path.
 */
function endedByPath(s: Session): s is Drop {
  return isEstablished(s) && s.cause !== 'heartbeat_timeout';
}

function sameEnding(a: Session, b: Session): boolean {
  return a.cause === b.cause && a.closeCode === b.closeCode;
}

function distinctLegs(drops: readonly Session[]): string[] {
  return [...new Set(drops.map((d) => d.leg))];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
