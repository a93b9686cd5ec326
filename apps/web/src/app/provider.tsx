import { QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { LiveClient, liveUrl } from '../lib/live-client';
import { LiveClientProvider } from '../lib/live-context';
import { queryClient } from '../lib/query-client';
import { connectLiveCache } from './live-cache';

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
