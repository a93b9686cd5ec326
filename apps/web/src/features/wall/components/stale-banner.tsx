// Full-screen on the wall when the dashboard's own link is down: a screen that is not being updated must
// never look like a calm one.
import { formatClock, type LinkView } from '../../../lib/live/live-link';

export function StaleBanner({ view }: { view: LinkView }) {
  if (!view.stale) return null;
  return (
    <div className="stale-banner" role="alert" data-testid="stale-banner">
      <div className="stale-word">STALE</div>
      <div className="stale-detail">
        {view.staleSince !== null && <>no data since {formatClock(view.staleSince)} · </>}
        {view.label}
      </div>
    </div>
  );
}
