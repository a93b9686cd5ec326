// A leg row's header: which leg, where it enters the path, its state and since when, and its numbers over
// the window on screen.
import type { LegState, LegView } from '@hopwatch/shared/protocol';
import { formatAge, formatDateTime, formatMs, formatRatio } from '../../../components/ui/format';
import { StateBadge } from '../../../components/ui/state-badge';
import { formatClock } from '../../../lib/live/live-link';
import { describeOutage } from '../../outages/outage-text';
import type { LegWindowStats } from '../leg-stats';

export interface LegHeaderProps {
  leg: LegView;
  /** the live state, or for a past window the state at its end */
  state: LegState | 'off' | 'unknown';
  since: number | null;
  now: number;
  stats: LegWindowStats;
}

export function LegHeader({ leg, state, since, now, stats }: LegHeaderProps) {
  return (
    <div className="leg-header">
      <div className="leg-title">
        <span className="leg-name">{leg.name}</span>
        <span className="leg-enters" title={`covers ${leg.covers.join(', ')}`}>
          {leg.enters
            ? `enters ${leg.enters}`
            : `covers ${leg.covers.filter((c) => !c.endsWith(':entry')).join(', ')}`}
        </span>
      </div>
      <div className="leg-state">
        <StateBadge state={state} />
        {since !== null && (
          <span className="leg-since" title={formatDateTime(since)}>
            since {formatClock(since)} ({formatAge(now - since)})
          </span>
        )}
        {since !== null && state === 'down' && leg.outage && (
          <span className="leg-outage" data-testid="leg-outage">
            {describeOutage(leg.outage, now)}
          </span>
        )}
      </div>
      <dl className="leg-stats">
        <div>
          <dt>uptime</dt>
          <dd>{formatRatio(stats.uptimeRatio)}</dd>
        </div>
        <div>
          <dt>drops</dt>
          <dd className={stats.drops > 0 ? 'has-drops' : undefined} data-testid="leg-drops">
            {stats.drops}
          </dd>
        </div>
        <div>
          <dt>p50</dt>
          <dd>{formatMs(stats.rttP50Ms)}</dd>
        </div>
        <div>
          <dt>p99</dt>
          <dd>{formatMs(stats.rttP99Ms)}</dd>
        </div>
      </dl>
    </div>
  );
}
