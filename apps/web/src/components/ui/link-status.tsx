// The dashboard's own link in the header: live with its RTT, reconnecting with a countdown, and stale with
// the time the data on screen is from. Presentational: the view comes from lib/live/live-link.ts.
import type { LinkView } from '../../lib/live/live-link';
import { formatClock } from '../../lib/live/live-link';

export function LinkStatus({ view }: { view: LinkView }) {
  return (
    <output
      className="link-status"
      data-testid="link-status"
      data-status={view.status}
      data-stale={view.stale}
      aria-live="polite"
    >
      <span className={`link-dot link-dot--${view.stale ? 'stale' : view.status}`} aria-hidden="true" />
      <span className="link-label">{view.label}</span>
      {view.rttMs !== null && <span className="link-rtt">{formatRtt(view.rttMs)}</span>}
      {view.stale && view.staleSince !== null && (
        <span className="link-stale">stale since {formatClock(view.staleSince)}</span>
      )}
    </output>
  );
}

function formatRtt(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
