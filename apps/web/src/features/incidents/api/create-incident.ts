// POST /api/incidents: saves a window with a title and a note; the answer is the incident with its id.
import { type CreateIncident, type Incident, incidentSchema } from '@hopwatch/shared/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiPost } from '../../../lib/api-client';
import { incidentKeys } from './get-incidents';

export async function createIncident(incident: CreateIncident): Promise<Incident> {
  return apiPost('/api/incidents', incident, incidentSchema);
}

export function useCreateIncident() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createIncident,
    onSuccess: (incident) => {
      queryClient.setQueryData(incidentKeys.detail(incident.id), incident);
      void queryClient.invalidateQueries({ queryKey: incidentKeys.list() });
    },
  });
}
