import { IncidentsList } from '../../features/incidents/components/incidents-list';

export function IncidentsRoute() {
  return (
    <section>
      <h1 className="page-title">Incidents</h1>
      <IncidentsList />
    </section>
  );
}
