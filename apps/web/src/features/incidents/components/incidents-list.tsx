import { Link } from 'react-router';
import { formatDateTime } from '../../../components/ui/format';
import { useZoneMode, zoneLabel } from '../../../lib/time-zone';
import { useIncidents } from '../api/get-incidents';

export function IncidentsList() {
  const incidents = useIncidents();
  const zone = useZoneMode();
  if (incidents.error) return <p className="error">{incidents.error.message}</p>;
  if (!incidents.data) return <p className="muted">loading incidents…</p>;
  if (incidents.data.length === 0) {
    return <p className="muted empty">No saved incidents yet. Use “Save incident” on the overview.</p>;
  }
  return (
    <div className="table-scroll">
      <table className="incidents-table">
        <thead>
          <tr>
            <th>title</th>
            <th>target</th>
            <th>window ({zoneLabel(zone, Date.now())})</th>
            <th>saved</th>
          </tr>
        </thead>
        <tbody>
          {incidents.data.map((incident) => (
            <tr key={incident.id}>
              <td>
                <Link to={`/incidents/${encodeURIComponent(incident.id)}`}>{incident.title}</Link>
              </td>
              <td>{incident.target}</td>
              <td>
                {formatDateTime(incident.from)} → {formatDateTime(incident.to)}
              </td>
              <td>{formatDateTime(incident.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
