// Writes the live stream into the React Query cache: the only way live data reaches the views (no parallel
// store, no polling). Each event kind updates the queries it belongs to.
import type { QueryClient } from '@tanstack/react-query';
import type { LiveClient } from '../lib/live-client';

export function connectLiveCache(client: LiveClient, queryClient: QueryClient): () => void {
  const offHello = client.onHello((hello) => {
    // A resumed stream replays the events we missed, but what the server summarises (uptime, percentiles)
    // moved on while we were away; a reset log means our cache describes data the server no longer has.
    if (hello.resumed || hello.logReset) void queryClient.invalidateQueries();
  });
  return () => {
    offHello();
  };
}
