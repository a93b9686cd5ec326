// `/` with more than one target and none chosen: every target on one screen with its legs' states, the legs
// down now (open outages) and its latest verdict; one click opens its page.
import type { TargetView } from '@hopwatch/shared/protocol';
import { useQueries } from '@tanstack/react-query';
import { Link } from 'react-router';
import { formatAge, formatDateTime } from '../../components/ui/format';
import { StateBadge } from '../../components/ui/state-badge';
import { dropsQueryOptions } from '../../features/verdicts/api/get-drops';
import { useNow } from '../../lib/use-now';

const DAY = { live: 86_400_000 };

export function TargetsOverview({ targets }: { targets: readonly TargetView[] }) {
  const now = useNow(1_000);
  const drops = useQueries({ queries: targets.map((t) => dropsQueryOptions(t.name, DAY)) });
  return (
    <section
      className="targets-overview"
      data-testid="targets-overview"
      id="legs"
      aria-labelledby="targets-title"
    >
      <h1 className="page-title" id="targets-title">
        Targets
      </h1>
      <ul className="target-cards">
        {targets.map((target, index) => {
          const down = target.legs.filter((leg) => leg.state === 'down');
          const latest = drops[index]?.data?.[0];
          const worst =
            down.length > 0
              ? 'down'
              : target.legs.some((l) => l.state === 'connecting')
                ? 'connecting'
                : 'up';
          return (
            <li
              key={target.name}
              className={`target-card target-card--${worst}`}
              data-testid="target-card"
              data-target={target.name}
            >
              <Link className="target-card-link" to={`/?target=${encodeURIComponent(target.name)}`}>
                <span className="target-card-name">{target.name}</span>
                <StateBadge state={worst} />
              </Link>
              <ul className="target-card-legs" aria-label={`${target.name} legs`}>
                {target.legs.map((leg) => (
                  <li key={leg.name}>
                    <StateBadge state={leg.state} /> {leg.name}
                  </li>
                ))}
              </ul>
              <p className="target-card-outages">
                {down.length === 0
                  ? 'no open outage'
                  : down.map((leg) => `${leg.name} down for ${formatAge(now - leg.since)}`).join(' · ')}
              </p>
              <p className="target-card-verdict">
                {latest ? (
                  <>
                    <span className="muted">latest verdict {formatDateTime(latest.at)} · </span>
                    <span className={`confidence confidence--${latest.confidence}`}>{latest.confidence}</span>{' '}
                    {latest.summary}
                  </>
                ) : drops[index]?.data ? (
                  <span className="muted">no drops in the last 24 h</span>
                ) : (
                  <span className="muted">loading verdicts…</span>
                )}
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
