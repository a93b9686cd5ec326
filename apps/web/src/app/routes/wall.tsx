// `/wall`: the NOC screen. No controls, always dark, sized to the screen (no scrolling from 1366×768 to
// 3840×2160): one tile per leg with its recent RTT and sessions, and the latest verdict with its time. It
// follows the live stream for days (live windows trim themselves) and recovers on its own after a server
// restart. Everything on it comes from the same queries, so the verdict line never contradicts the tiles.
import type { Verdict } from '@hopwatch/shared/protocol';
import { useQueries } from '@tanstack/react-query';
import { type CSSProperties, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { formatAge, formatDateTime } from '../../components/ui/format';
import { LinkStatus } from '../../components/ui/link-status';
import { useTargets } from '../../features/legs/api/get-targets';
import { legWindowStats } from '../../features/legs/leg-stats';
import { rttQueryOptions } from '../../features/rtt/api/get-rtt';
import { sessionsQueryOptions } from '../../features/timeline/api/get-sessions';
import { shapeTimeline } from '../../features/timeline/timeline-shape';
import { useDrops } from '../../features/verdicts/api/get-drops';
import { LegTile } from '../../features/wall/components/leg-tile';
import { StaleBanner } from '../../features/wall/components/stale-banner';
import { wallLayout } from '../../features/wall/wall-layout';
import { useLinkView } from '../../lib/live/live-context';
import { formatClock } from '../../lib/live/live-link';
import { useZoneMode, zoneLabel } from '../../lib/time-zone';
import { useNow } from '../../lib/use-now';
import { useViewport } from '../../lib/use-viewport';
import { fitLiveWindow } from '../../lib/zoom-window';
import { firstSessionAt } from '../target-window/target-window';
import { useTabState } from '../use-tab-state';

const HOUR = { live: 3_600_000 };
const DAY = { live: 86_400_000 };

export function WallRoute() {
  useTabState();
  const [params] = useSearchParams();
  const targets = useTargets();
  const view = useLinkView();
  const now = useNow(1_000);
  const zone = useZoneMode();
  const viewport = useViewport();
  const target = targets.data?.find((t) => t.name === params.get('target')) ?? targets.data?.[0];
  const legs = target?.legs ?? [];
  const sessions = useQueries({
    queries: legs.map((leg) => sessionsQueryOptions(target?.name ?? '', leg.name, HOUR)),
  });
  const rtt = useQueries({ queries: legs.map((leg) => rttQueryOptions(target?.name ?? '', leg.name, HOUR)) });
  const drops = useDrops(target?.name ?? '', DAY);
  // The figures move once a second at most; recomputing them per event would be wasted on a wall.
  const nowSecond = Math.floor(now / 1_000) * 1_000;
  // A fresh install's first minutes fill the tiles' plots rather than their right edge.
  const { from } = fitLiveWindow(
    { from: nowSecond - HOUR.live, to: nowSecond },
    firstSessionAt(sessions.map((q) => q.data)),
  );
  const tiles = useMemo(
    () =>
      legs.map((leg, index) => {
        const strip = shapeTimeline({
          sessions: sessions[index]?.data?.sessions ?? [],
          from,
          to: nowSecond,
          now: nowSecond,
          current: { state: leg.state, since: leg.since },
          truncated: sessions[index]?.data?.truncated ?? false,
        });
        const series = rtt[index]?.data;
        return { strip, series, stats: legWindowStats(strip, series?.points ?? [], nowSecond) };
      }),
    [legs, sessions, rtt, from, nowSecond],
  );
  const layout = wallLayout(legs.length, viewport);
  // Only sessions that ended count here: failed reconnect attempts during an outage belong to its verdict.
  let newestDropAt: number | null = null;
  for (const tile of tiles) {
    for (const drop of tile.strip.drops) {
      if (!drop.attempt && (newestDropAt === null || drop.at > newestDropAt)) newestDropAt = drop.at;
    }
  }
  const dropsShown = tiles.reduce((sum, tile) => sum + tile.stats.drops, 0);

  return (
    <div
      className={`wall${view.stale ? ' is-stale' : ''}${layout.stacked ? ' wall--stacked' : ''}`}
      data-testid="wall"
      style={{ '--wall-columns': layout.columns, '--wall-rows': layout.rows } as CSSProperties}
    >
      <header className="wall-head">
        <h1 className="wall-title">hopwatch · {target?.name ?? '…'}</h1>
        <span className="wall-window">since {formatClock(from)}</span>
        <span className="wall-clock">
          {formatClock(now)} <span className="wall-zone">{zoneLabel(zone, now)}</span>
        </span>
        <LinkStatus view={view} />
      </header>
      {targets.error && <p className="wall-error">{targets.error.message}</p>}
      <main className="wall-tiles">
        {legs.map((leg, index) => {
          const tile = tiles[index];
          return (
            <LegTile
              key={leg.name}
              leg={leg.name}
              enters={leg.enters}
              state={leg.state}
              since={leg.since}
              now={now}
              from={from}
              lastDropAt={tile?.stats.lastDropAt ?? null}
              drops={tile?.stats.drops ?? 0}
              rttP99Ms={tile?.series ? tile.stats.rttP99Ms : undefined}
              rtt={tile?.series}
              segments={tile?.strip.segments ?? []}
              dropMarks={tile?.strip.drops ?? []}
              sparkHeight={layout.sparkHeight}
              stripHeight={layout.stripHeight}
            />
          );
        })}
      </main>
      <footer className="wall-verdict" data-testid="wall-verdict">
        <WallVerdict
          verdicts={drops.data}
          now={now}
          newestDropAt={newestDropAt}
          dropsShown={dropsShown}
          correlationWindowMs={target?.correlationWindowMs ?? 0}
        />
      </footer>
      <StaleBanner view={view} />
    </div>
  );
}

/**
 * The latest verdict with its time, or what the tiles show without one: drops still waiting for their
 * verdict are said to be waiting, never "no drops".
 */
function WallVerdict(props: {
  verdicts: readonly Verdict[] | undefined;
  now: number;
  newestDropAt: number | null;
  dropsShown: number;
  correlationWindowMs: number;
}) {
  const { verdicts, now, newestDropAt, dropsShown } = props;
  if (!verdicts) return <div className="wall-verdict-head">loading verdicts…</div>;
  const latest = verdicts[0];
  const pending =
    newestDropAt !== null && (!latest || newestDropAt > latest.at + props.correlationWindowMs) ? (
      <div className="wall-verdict-pending" data-testid="wall-verdict-pending">
        newer drops ({formatAge(now - newestDropAt)} ago) are waiting for their verdict
      </div>
    ) : null;
  if (!latest) {
    return (
      <>
        <div className="wall-verdict-head">
          {dropsShown > 0 ? `no verdict yet for ${dropsShown} drops` : 'no drops in the last 24 h'}
        </div>
        {pending}
      </>
    );
  }
  return (
    <>
      <div className="wall-verdict-head">
        <span>latest verdict</span>
        <time dateTime={new Date(latest.at).toISOString()}>{formatDateTime(latest.at)}</time>
        <span className="wall-verdict-age">({formatAge(now - latest.at)} ago)</span>
        <span className={`confidence confidence--${latest.confidence}`} data-testid="wall-confidence">
          {latest.confidence}
        </span>
      </div>
      <div className="wall-verdict-summary">{latest.summary}</div>
      {latest.suspects.length > 0 && (
        <div className="wall-verdict-suspects">
          suspect{latest.suspects.length === 1 ? '' : 's'}:{' '}
          {latest.suspects.map((s) => (
            <strong key={s} className="wall-suspect">
              {s}
            </strong>
          ))}
        </div>
      )}
      {pending}
    </>
  );
}
