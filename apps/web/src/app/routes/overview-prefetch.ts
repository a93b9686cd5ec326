// Starts the overview's requests from the router, before React renders: the leg rows' sessions and RTT are
// requested the moment the targets answer, instead of after the page has rendered the targets first. The
// targets overview gets each target's drops, and nothing of any leg.
import type { QueryClient } from '@tanstack/react-query';
import { targetsQueryOptions } from '../../features/legs/api/get-targets';
import { rttQueryOptions } from '../../features/rtt/api/get-rtt';
import { loadRttBandChart } from '../../features/rtt/components/rtt-band-chart-loader';
import { sessionsQueryOptions } from '../../features/timeline/api/get-sessions';
import { dropsQueryOptions } from '../../features/verdicts/api/get-drops';
import { parseViewWindow, queryRangeOf } from '../../lib/view-window';
import { overviewPage, TARGETS_OVERVIEW_RANGE } from './overview-page';

export function prefetchOverview(queryClient: QueryClient, params: URLSearchParams): void {
  const range = queryRangeOf(parseViewWindow(params));
  // A named target is a target page (charts) in all likelihood: its chart code loads beside /api/targets.
  if (params.has('target')) loadRttBandChart().catch(() => undefined);
  queryClient
    .fetchQuery(targetsQueryOptions())
    .then((targets) => {
      const page = overviewPage(targets, params.get('target'));
      if (page.kind === 'targets') {
        for (const t of targets)
          void queryClient.prefetchQuery(dropsQueryOptions(t.name, TARGETS_OVERVIEW_RANGE));
        return;
      }
      if (page.kind === 'none') return;
      const { target } = page;
      // The chart's code parses while the leg requests are out, not after they answer.
      loadRttBandChart().catch(() => undefined);
      for (const leg of target.legs) {
        void queryClient.prefetchQuery(sessionsQueryOptions(target.name, leg.name, range));
        void queryClient.prefetchQuery(rttQueryOptions(target.name, leg.name, range));
      }
      void queryClient.prefetchQuery(dropsQueryOptions(target.name, range));
    })
    // The page's own queries report errors; a prefetch only saves time.
    .catch(() => undefined);
}
