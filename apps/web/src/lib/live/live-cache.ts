// Writes the live stream into the React Query cache: the only way live data reaches the views (no parallel
// store, no polling). Each event kind updates the live-window queries it belongs to; windows fixed in the
// past are history and are left alone.
import type { HopEvent, Outage, RttResponse, Verdict } from '@hopwatch/shared/protocol';
import type { Query, QueryClient, QueryKey } from '@tanstack/react-query';
import {
  targetKeys,
  targetsQueryOptions,
  withLegOutage,
  withLegState,
} from '../../features/legs/api/get-targets';
import { outageKeys, withOutage } from '../../features/outages/api/get-outages';
import { rttKeys, withRttSample } from '../../features/rtt/api/get-rtt';
import {
  type SessionsPage,
  sessionFromEvent,
  sessionKeys,
  withSession,
} from '../../features/timeline/api/get-sessions';
import { dropKeys, withVerdict } from '../../features/verdicts/api/get-drops';
import { isLiveRange, type QueryRange } from '../view-window';
import type { LiveClient } from './live-client';

export function connectLiveCache(client: LiveClient, queryClient: QueryClient): () => void {
  const offEvent = client.onEvent(({ event }) => applyLiveEvent(queryClient, event, Date.now()));
  const offHello = client.onHello((hello) => {
    if (hello.logReset) {
      // The server no longer has what our cache describes.
      void queryClient.invalidateQueries();
      return;
    }
    if (!hello.resumed) return;
    // The replay brings every event we missed, but a server restart closes sessions it left open without
    // events, and what was fetched while the link was down may predate the gap: refetch the live views.
    const helloAt = Date.now();
    void queryClient.invalidateQueries({
      predicate: (query) => isLiveQuery(query) && query.state.dataUpdatedAt < helloAt,
    });
  });
  return () => {
    offEvent();
    offHello();
  };
}

export function applyLiveEvent(queryClient: QueryClient, event: HopEvent, now: number): void {
  switch (event.kind) {
    case 'leg_state':
      queryClient.setQueryData(
        targetsQueryOptions().queryKey,
        (targets) => targets && withLegState(targets, event),
      );
      return;
    case 'session_open':
    case 'session_close': {
      const session = sessionFromEvent(event);
      updateLiveWindows<SessionsPage>(queryClient, sessionKeys.leg(event.target, event.leg), (page, start) =>
        withSession(page, session, start),
      );
      return;
    }
    case 'rtt':
      updateLiveWindows<RttResponse>(queryClient, rttKeys.leg(event.target, event.leg), (series, start) =>
        withRttSample(series, event, start),
      );
      return;
    case 'verdict':
      updateLiveWindows<Verdict[]>(queryClient, dropKeys.target(event.target), (verdicts, start) =>
        withVerdict(verdicts, event.verdict, start),
      );
      return;
    case 'outage':
      queryClient.setQueryData(
        targetsQueryOptions().queryKey,
        (targets) => targets && withLegOutage(targets, event),
      );
      updateLiveWindows<Outage[]>(queryClient, outageKeys.leg(event.target, event.leg), (outages, start) =>
        withOutage(outages, event.outage, start),
      );
      return;
    case 'prober_stall':
      // Stalls reach the views through the samples and drops they mark suspect.
      return;
  }

  /** Applies `update` to every cached live-window query under `prefix`, with that window's start. */
  function updateLiveWindows<T>(
    client: QueryClient,
    prefix: QueryKey,
    update: (data: T, start: number) => T,
  ): void {
    for (const [key, data] of client.getQueriesData<T>({ queryKey: prefix })) {
      const range = rangeOfKey(key);
      if (data === undefined || range === null || !isLiveRange(range)) continue;
      client.setQueryData<T>(key, update(data, now - range.live));
    }
  }
}

/** Every windowed key ends with its QueryRange (see the key factories). */
function rangeOfKey(key: QueryKey): QueryRange | null {
  const last = key[key.length - 1];
  if (typeof last !== 'object' || last === null) return null;
  return 'live' in last || ('from' in last && 'to' in last) ? (last as QueryRange) : null;
}

function isLiveQuery(query: Query): boolean {
  if (query.queryKey[0] === targetKeys.all[0]) return true;
  const range = rangeOfKey(query.queryKey);
  return range !== null && isLiveRange(range);
}
