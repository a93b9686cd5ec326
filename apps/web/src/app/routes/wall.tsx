// `/wall`: the NOC screen. No controls, dark, big: one tile per leg and the latest verdict. It follows the
// live stream for days (live windows trim themselves) and recovers on its own after a server restart.
import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { formatDateTime } from '../../components/ui/format';
import { LinkStatus } from '../../components/ui/link-status';
import { useTargets } from '../../features/legs/api/get-targets';
import { legWindowStats } from '../../features/legs/leg-stats';
import { rttQueryOptions } from '../../features/rtt/api/get-rtt';
import { sessionsQueryOptions } from '../../features/timeline/api/get-sessions';
import { shapeTimeline } from '../../features/timeline/timeline-shape';
import { useDrops } from '../../features/verdicts/api/get-drops';
import { LegTile } from '../../features/wall/components/leg-tile';
import { StaleBanner } from '../../features/wall/components/stale-banner';
import { useLinkView } from '../../lib/live/live-context';
import { formatClock } from '../../lib/live/live-link';
import { useNow } from '../../lib/use-now';

const HOUR = { live: 3_600_000 };
const DAY = { live: 86_400_000 };
/** More legs than this get smaller tiles, so ten still fit a 1080p screen with the verdict. */
const DENSE_AFTER = 6;

export function WallRoute() {
  const [params] = useSearchParams();
  const targets = useTargets();
  const view = useLinkView();
  const now = useNow(1_000);
  const target = targets.data?.find((t) => t.name === params.get('target')) ?? targets.data?.[0];
  const legs = target?.legs ?? [];
  const sessions = useQueries({
    queries: legs.map((leg) => sessionsQueryOptions(target?.name ?? '', leg.name, HOUR)),
  });
  const rtt = useQueries({ queries: legs.map((leg) => rttQueryOptions(target?.name ?? '', leg.name, HOUR)) });
  const drops = useDrops(target?.name ?? '', DAY);
  // The figures move once a second at most; recomputing them per event would be wasted on a wall.
  const nowSecond = Math.floor(now / 1_000) * 1_000;
  const figures = useMemo(
    () =>
      legs.map((leg, index) => {
        const strip = shapeTimeline({
          sessions: sessions[index]?.data?.sessions ?? [],
          from: nowSecond - HOUR.live,
          to: nowSecond,
          now: nowSecond,
          current: { state: leg.state, since: leg.since },
          truncated: sessions[index]?.data?.truncated ?? false,
        });
        return legWindowStats(strip, rtt[index]?.data?.points ?? [], nowSecond);
      }),
    [legs, sessions, rtt, nowSecond],
  );
  const latest = drops.data?.[0];

  return (
    <div
      className={`wall${view.stale ? ' is-stale' : ''}${legs.length > DENSE_AFTER ? ' wall--dense' : ''}`}
      data-testid="wall"
    >
      <header className="wall-head">
        <span className="wall-title">hopwatch · {target?.name ?? '…'}</span>
        <span className="wall-clock">{formatClock(now)}</span>
        <LinkStatus view={view} />
      </header>
      {targets.error && <p className="wall-error">{targets.error.message}</p>}
      <main className="wall-tiles">
        {legs.map((leg, index) => (
          <LegTile
            key={leg.name}
            leg={leg.name}
            enters={leg.enters}
            state={leg.state}
            since={leg.since}
            now={now}
            lastDropAt={figures[index]?.lastDropAt ?? null}
            dropsLastHour={figures[index]?.drops ?? 0}
            rttP99Ms={figures[index]?.rttP99Ms ?? null}
          />
        ))}
      </main>
      <footer className="wall-verdict" data-testid="wall-verdict">
        {latest ? (
          <>
            <div className="wall-verdict-head">
              latest verdict · {formatDateTime(latest.at)} ·{' '}
              <span className={`confidence confidence--${latest.confidence}`}>{latest.confidence}</span>
            </div>
            <div className="wall-verdict-summary">{latest.summary}</div>
            {latest.suspects.length > 0 && (
              <div className="wall-verdict-suspects">suspects: {latest.suspects.join(', ')}</div>
            )}
          </>
        ) : (
          <div className="wall-verdict-head">no drops in the last 24 h</div>
        )}
      </footer>
      <StaleBanner view={view} />
    </div>
  );
}
