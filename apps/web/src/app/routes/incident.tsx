// `/incidents/:id`: a saved incident, its title and note, and its window exactly as stored.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { formatDateTime } from '../../components/ui/format';
import { useIncident } from '../../features/incidents/api/get-incident';
import { useTargets } from '../../features/legs/api/get-targets';
import { shareUrl } from '../../lib/view-window';
import { TargetWindow } from '../target-window/target-window';

export function IncidentRoute() {
  const { id = '' } = useParams();
  const incident = useIncident(id);
  const targets = useTargets();
  const [drop, setDrop] = useState<string | null>(null);

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
          <p className="incident-meta">
            {data.target} · {formatDateTime(data.from)} → {formatDateTime(data.to)} · saved{' '}
            {formatDateTime(data.createdAt)}
          </p>
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
