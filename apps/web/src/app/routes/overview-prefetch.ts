// Starts the overview's requests from the router, before React renders: the leg rows' sessions and RTT are
// requested the moment the targets answer, instead of after the page has rendered the targets first.
import type { QueryClient } from '@tanstack/react-query';
import { targetsQueryOptions } from '../../features/legs/api/get-targets';
import { rttQueryOptions } from '../../features/rtt/api/get-rtt';
import { sessionsQueryOptions } from '../../features/timeline/api/get-sessions';
import { dropsQueryOptions } from '../../features/verdicts/api/get-drops';
import { parseViewWindow, queryRangeOf } from '../../lib/view-window';

export function prefetchOverview(queryClient: QueryClient, params: URLSearchParams): void {
  const range = queryRangeOf(parseViewWindow(params));
  queryClient
    .fetchQuery(targetsQueryOptions())
    .then((targets) => {
      const target = targets.find((t) => t.name === params.get('target')) ?? targets[0];
      if (!target) return;
      for (const leg of target.legs) {
        void queryClient.prefetchQuery(sessionsQueryOptions(target.name, leg.name, range));
        void queryClient.prefetchQuery(rttQueryOptions(target.name, leg.name, range));
      }
      void queryClient.prefetchQuery(dropsQueryOptions(target.name, range));
    })
    // The page's own queries report errors; a prefetch only saves time.
    .catch(() => undefined);
}
