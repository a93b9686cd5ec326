import { QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { connectLiveCache } from '../lib/live/live-cache';
import { LiveClient, liveUrl } from '../lib/live/live-client';
import { LiveClientProvider } from '../lib/live/live-context';
import { queryClient } from '../lib/query-client';

export function AppProvider({ children }: { children: ReactNode }) {
  const [liveClient] = useState(() => new LiveClient({ url: liveUrl }));

  useEffect(() => {
    const disconnectCache = connectLiveCache(liveClient, queryClient);
    liveClient.start();
    return () => {
      liveClient.stop();
      disconnectCache();
    };
  }, [liveClient]);

  return (
    <QueryClientProvider client={queryClient}>
      <LiveClientProvider client={liveClient}>{children}</LiveClientProvider>
    </QueryClientProvider>
  );
}
