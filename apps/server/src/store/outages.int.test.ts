// Outages in the real SQLite store: upserted from outage events, newest first, filtered, kept across a
// restart, open ones never pruned.
import type { HopEvent, Outage } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import { DAY_MS, useStoreFixtures } from './test-support/store-fixture.js';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const open = useStoreFixtures();

function outage(leg: string, since: number, more: Partial<Outage> = {}): Outage {
  return {
    target: 'lab',
    leg,
    since,
    until: null,
    durationMs: null,
    firstCause: 'heartbeat_timeout',
    lastCause: 'heartbeat_timeout',
    attempts: 0,
    lastError: null,
    lastHttpStatus: null,
    ...more,
  };
}

const event = (o: Outage): HopEvent => ({
  kind: 'outage',
  ts: o.until ?? o.since,
  target: o.target,
  leg: o.leg,
  outage: o,
});

describe('outages', () => {
  it('keeps the latest state of each outage, newest first, across a restart', async () => {
    const f = open();
    f.publish(
      event(outage('lb', T0)),
      event(outage('lb', T0, { attempts: 1, lastCause: 'connect_failed', lastError: 'ETIMEDOUT' })),
      event(outage('edge', T0 + 10)),
      event(
        outage('lb', T0, {
          attempts: 2,
          lastCause: 'handshake_rejected',
          lastHttpStatus: 403,
          until: T0 + 25_000,
          durationMs: 25_000,
        }),
      ),
    );
    await f.reopen();
    expect(await f.store.outages({ limit: 10 })).toEqual([
      outage('edge', T0 + 10),
      outage('lb', T0, {
        attempts: 2,
        lastCause: 'handshake_rejected',
        lastError: null,
        lastHttpStatus: 403,
        until: T0 + 25_000,
        durationMs: 25_000,
      }),
    ]);
  });

  it('filters by target, leg, time and openness, and honours the limit', async () => {
    const f = open();
    f.publish(
      event(outage('lb', T0, { until: T0 + 1_000, durationMs: 1_000 })),
      event(outage('lb', T0 + 60_000)),
      event(outage('app', T0 + 30_000, { until: T0 + 31_000, durationMs: 1_000 })),
      event({ ...outage('lb', T0 + 5_000), target: 'other' }),
    );
    const since = async (q: Parameters<typeof f.store.outages>[0]) =>
      (await f.store.outages(q)).map((o) => `${o.target}/${o.leg}@${o.since - T0}`);
    expect(await since({ target: 'lab', leg: 'lb', limit: 10 })).toEqual(['lab/lb@60000', 'lab/lb@0']);
    expect(await since({ target: 'lab', from: T0 + 2_000, limit: 10 })).toEqual([
      'lab/lb@60000',
      'lab/app@30000',
    ]);
    expect(await since({ target: 'lab', to: T0 + 30_500, limit: 10 })).toEqual(['lab/app@30000', 'lab/lb@0']);
    expect(await since({ open: true, limit: 10 })).toEqual(['lab/lb@60000', 'other/lb@5000']);
    expect(await since({ limit: 1 })).toEqual(['lab/lb@60000']);
  });

  it('retention deletes ended outages past it and keeps open ones, however old', async () => {
    const f = open({ retentionMs: DAY_MS });
    f.publish(event(outage('lb', T0, { until: T0 + 1_000, durationMs: 1_000 })), event(outage('app', T0)));
    await f.store.prune(T0 + 2 * DAY_MS);
    expect((await f.store.outages({ limit: 10 })).map((o) => o.leg)).toEqual(['app']);
  });
});
