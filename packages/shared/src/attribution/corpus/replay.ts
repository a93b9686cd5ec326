// Replays a recorded scenario through the judge's rules, as the server would have judged it live: drops are
// clustered (a failed reconnect of a leg that is already down starts nothing), and each cluster is judged once
// its window has passed, with the facts the store held at that moment (judge.ts and facts.ts on the server).
import { ATTEMPT_CAUSES } from '../../protocol/causes.js';
import type { Session } from '../../protocol/session.js';
import type { Verdict } from '../../protocol/verdict.js';
import { type ClusterSpan, clusterDueAt, joinsCluster, judgedWindow } from '../cluster.js';
import { RECENT_SESSIONS, sampleLookbackMs } from '../signatures.js';
import { type Drop, isDropSession } from '../types.js';
import { judgeCluster } from '../verdict.js';
import type { CorpusRecording } from './recording.js';

/** facts.ts fetches this many sessions per dropped leg for its history */
const HISTORY_LIMIT = 5 * RECENT_SESSIONS;

/** The final verdict of every drop cluster in the recording, oldest first. */
export function judgeRecording(recording: CorpusRecording): Verdict[] {
  const windowMs = recording.target.correlationWindowMs;
  const clusters: { span: ClusterSpan; drops: Drop[] }[] = [];
  for (const drop of clusterable(recording.sessions)) {
    const latest = clusters[clusters.length - 1];
    if (latest !== undefined && joinsCluster(latest.span, drop.closedAt, windowMs)) {
      latest.drops.push(drop);
      latest.span.lastAt = Math.max(latest.span.lastAt, drop.closedAt);
      continue;
    }
    clusters.push({ span: { firstAt: drop.closedAt, lastAt: drop.closedAt }, drops: [drop] });
  }
  return clusters.map(({ span, drops }) => {
    const judgedAt = clusterDueAt(span, windowMs);
    const window = judgedWindow(span, windowMs);
    const known = recording.sessions.filter((s) => s.openedAt <= judgedAt).map((s) => asOf(s, judgedAt));
    const legs = new Set(drops.map((d) => d.leg));
    const recent = [...legs].flatMap((leg) =>
      known
        .filter((s) => s.leg === leg && s.openedAt <= window.to)
        .sort((a, b) => b.openedAt - a.openedAt)
        .slice(0, HISTORY_LIMIT),
    );
    return judgeCluster(
      {
        target: recording.target,
        drops,
        sessions: known.filter((s) => s.openedAt <= window.to && (s.closedAt ?? judgedAt) >= window.from),
        recent,
        samples: recording.samples.filter(
          (s) => s.ts >= window.from - sampleLookbackMs(recording.target) && s.ts <= window.to,
        ),
        stalls: recording.stalls.filter((s) => s.ts >= window.from && s.ts <= window.to + windowMs),
      },
      { judgedAt },
    );
  });
}

/** The drops that start or join clusters, in time order: not the failed retries of a leg already down. */
function clusterable(sessions: readonly Session[]): Drop[] {
  const down = new Set<string>();
  const drops: Drop[] = [];
  for (const session of [...sessions].sort((a, b) => (a.closedAt ?? 0) - (b.closedAt ?? 0))) {
    if (!isDropSession(session)) {
      down.delete(session.leg);
      continue;
    }
    const attempt = ATTEMPT_CAUSES.includes(session.cause);
    if (!(attempt && down.has(session.leg))) drops.push(session);
    down.add(session.leg);
  }
  return drops;
}

/** A session as the store showed it at `t`: still open if it closed later. */
function asOf(session: Session, t: number): Session {
  if (session.closedAt === null || session.closedAt <= t) return session;
  return { ...session, closedAt: null, durationMs: null, silenceMs: null, cause: null, closeCode: null };
}
