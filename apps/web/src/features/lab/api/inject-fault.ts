// POST /api/lab/faults: makes one lab hop misbehave for a while. The drops it causes arrive over the live
// stream like any others; the lab status is refetched to show the active fault.
import { type LabFault, type LabFaultRequest, labFaultSchema } from '@hopwatch/shared/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiPost } from '../../../lib/api-client';
import { labKeys } from './get-lab-status';

export async function injectFault(request: LabFaultRequest): Promise<LabFault> {
  return apiPost('/api/lab/faults', request, labFaultSchema);
}

export function useInjectFault() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: injectFault,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: labKeys.status() }),
  });
}
