// `/incidents/:id`: a saved incident, its title and note, and its window exactly as stored, in the viewer's
// zone and in UTC (a note written elsewhere names its own clock times).
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { formatDateTime } from '../../components/ui/format';
import { useIncident } from '../../features/incidents/api/get-incident';
import { useTargets } from '../../features/legs/api/get-targets';
import { dateTimeIn, useZoneMode, zoneLabel } from '../../lib/time-zone';
import { shareUrl } from '../../lib/view-window';
import { TargetWindow } from '../target-window/target-window';

export function IncidentRoute() {
  const { id = '' } = useParams();
  const incident = useIncident(id);
  const targets = useTargets();
  const [drop, setDrop] = useState<string | null>(null);
  const zone = useZoneMode();

  if (incident.error) return <p className="error">{incident.error.message}</p>;
  if (!incident.data || !targets.data) return <p className="muted">loading…</p>;
  const { data } = incident;
  const target = targets.data.find((t) => t.name === data.target);
  const overviewLink = shareUrl('', { target: data.target, from: data.from, to: data.to, drop: null });

  return (
    <div className="incident" data-testid="incident">
      <header className="incident-head">
        <div>
          <h1 className="page-title">{data.title}</h1>
          <p className="incident-meta" data-testid="incident-window">
            {data.target} · {formatDateTime(data.from)} → {formatDateTime(data.to)}{' '}
            <span className="zone-tag">{zoneLabel(zone, data.from)}</span> · saved{' '}
            {formatDateTime(data.createdAt)}
          </p>
          {zone !== 'utc' && (
            <p className="incident-meta" data-testid="incident-window-utc">
              {dateTimeIn('utc', data.from)} → {dateTimeIn('utc', data.to)}{' '}
              <span className="zone-tag">UTC</span>
            </p>
          )}
          {data.note && <p className="incident-note">{data.note}</p>}
        </div>
        <Link to={overviewLink}>open in overview</Link>
      </header>
      {target ? (
        <TargetWindow
          target={target}
          window={{ kind: 'fixed', from: data.from, to: data.to }}
          selectedDrop={drop}
          onSelectDrop={setDrop}
        />
      ) : (
        <p className="error">Target {data.target} is no longer configured.</p>
      )}
    </div>
  );
}
