// React access to the one LiveClient: the header reads the link view, data views read whether it is stale.
import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { LiveClient } from './live-client';
import type { LinkView } from './live-link';

const LiveClientContext = createContext<LiveClient | null>(null);

export function LiveClientProvider({ client, children }: { client: LiveClient; children: ReactNode }) {
  return <LiveClientContext.Provider value={client}>{children}</LiveClientContext.Provider>;
}

export function useLiveClient(): LiveClient {
  const client = useContext(LiveClientContext);
  if (client === null) throw new Error('useLiveClient needs a LiveClientProvider');
  return client;
}

/** The link as the header shows it; re-renders each second while a countdown runs. */
export function useLinkView(): LinkView {
  const client = useLiveClient();
  return useSyncExternalStore(client.subscribe, client.getView);
}

/** Whether data on screen may be out of date; re-renders only when that flips. */
export function useLinkStale(): boolean {
  const client = useLiveClient();
  return useSyncExternalStore(client.subscribe, () => client.getView().stale);
}
