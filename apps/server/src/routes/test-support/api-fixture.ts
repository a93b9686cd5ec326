// A running hopwatch for API tests: an echo server the prober's legs really connect to, a real runtime with
// SQLite in a temp dir, and helpers that publish synthetic history (a day ago, far from the live legs' "now").
import type { HopEvent } from '@hopwatch/shared/protocol';
import type { HopwatchConfig } from '../../config/types.js';
import { legConfig, target } from '../../probe/test-support/harness.js';
import { type WsServer, wsServer } from '../../probe/test-support/servers.js';
import { closedSession, rtt, sessionOpen } from '../../store/test-support/store-fixture.js';
import { buildTestApp, type TestApp, type TestAppOptions } from './test-app.js';

const HOUR = 3_600_000;
/**
 * Synthetic history starts here: a whole hour a day ago, far from what the live legs do now, and inside
 * every retention (older data would be pruned under the test's feet) but the event log's for rtt events,
 * which is an hour: tests read old RTT through /api/rtt, not the event log.
 */
export const T0 = Math.floor((Date.now() - 24 * HOUR) / HOUR) * HOUR;
/** T0 + offset as ISO 8601, e.g. for query strings */
export const isoAt = (offsetMs = 0): string => new Date(T0 + offsetMs).toISOString();
export const MINUTE = 60_000;

export interface ApiFixture extends TestApp {
  echo: WsServer;
  publish(events: readonly HopEvent[]): void;
  close(options?: { removeData?: boolean }): Promise<void>;
}

/** Target t3 with legs edge and lb on a live echo server; `lb` carries secrets in its URL. */
export async function startApiFixture(options: TestAppOptions = {}): Promise<ApiFixture> {
  const echo = await wsServer();
  const secretUrl = echo.url.replace('ws://', 'ws://ops:hunter2@').concat('?token=s3cret&region=eu');
  const configure = (config: HopwatchConfig) => {
    config.targets = [
      target(
        [
          legConfig({ name: 'edge', url: echo.url, enters: 'edge', covers: ['edge', 'app', 'edge:entry'] }),
          legConfig({ name: 'lb', url: secretUrl, enters: 'app', covers: ['app', 'lb:entry'] }),
        ],
        't3',
      ),
    ];
    options.configure?.(config);
  };
  const app = await buildTestApp({ ...options, configure });
  return {
    ...app,
    echo,
    publish(events) {
      for (const event of events) app.runtime.bus.publish(event);
    },
    async close(closeOptions) {
      await app.close(closeOptions);
      await echo.close();
    },
  };
}

/** One session on a leg opened at `openedAt` and dropped `durationMs` later (a `session_open`, a `session_close`). */
export function droppedSession(
  leg: string,
  id: string,
  openedAt: number,
  durationMs: number,
  cause: 'reset' | 'heartbeat_timeout' = 'reset',
): HopEvent[] {
  const session = closedSession('t3', leg, id, openedAt, openedAt + durationMs, { cause });
  return [
    sessionOpen('t3', leg, id, openedAt),
    { kind: 'session_close', ts: openedAt + durationMs, target: 't3', leg, session },
  ];
}

/** RTT samples every second for `seconds` from `from` on a leg. */
export function rttSeries(leg: string, sessionId: string, from: number, seconds: number): HopEvent[] {
  return Array.from({ length: seconds }, (_, i) =>
    rtt('t3', leg, sessionId, from + i * 1_000, i % 10 === 9 ? null : 1 + (i % 5), { seq: i }),
  );
}
