// The tracker on a real bus, fed the session events the prober publishes: outage events, log lines, the
// condition GET /api/targets serves, and the restart recovery of open outages.
import type { HopEvent, Outage } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../events/bus.js';
import { closedSession, sessionOpen } from '../store/test-support/store-fixture.js';
import { OutageTracker } from './outage-tracker.js';

function setup() {
  const bus = new EventBus();
  const outages: Outage[] = [];
  const lines: { msg: string; fields: Record<string, unknown> }[] = [];
  bus.subscribe(({ event }) => {
    if (event.kind === 'outage') outages.push(event.outage);
  });
  const tracker = new OutageTracker({
    bus,
    logger: { info: (fields, msg) => lines.push({ msg, fields }) },
    now: () => 999_999,
  });
  const close = (id: string, openedAt: number, closedAt: number, more: Parameters<typeof closedSession>[5]) =>
    bus.publish({
      kind: 'session_close',
      ts: closedAt,
      target: 'lab',
      leg: 'lb',
      session: closedSession('lab', 'lb', id, openedAt, closedAt, more),
    } satisfies HopEvent);
  return { bus, tracker, outages, lines, close };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('OutageTracker', () => {
  it('turns a drop, its failed retries and the next session into one outage', async () => {
    const { bus, tracker, outages, lines, close } = setup();
    expect(tracker.condition('lab', 'lb')).toBeNull();
    bus.publish(sessionOpen('lab', 'lb', 's1', 1_000));
    expect(tracker.condition('lab', 'lb')).toEqual({ state: 'up', since: 1_000 });
    close('s1', 1_000, 10_000, { cause: 'heartbeat_timeout' });
    close('a1', 11_000, 11_000, { cause: 'connect_failed', durationMs: 0, error: 'ETIMEDOUT' });
    close('a2', 14_000, 14_000, { cause: 'handshake_rejected', durationMs: 0, httpStatus: 403 });
    expect(tracker.condition('lab', 'lb')).toMatchObject({
      state: 'down',
      since: 10_000,
      outage: { attempts: 2 },
    });
    bus.publish(sessionOpen('lab', 'lb', 's2', 20_000));
    await settle();

    expect(outages.map((o) => [o.since, o.until, o.attempts, o.lastCause])).toEqual([
      [10_000, null, 0, 'heartbeat_timeout'],
      [10_000, null, 1, 'connect_failed'],
      [10_000, null, 2, 'handshake_rejected'],
      [10_000, 20_000, 2, 'handshake_rejected'],
    ]);
    expect(outages.at(-1)).toMatchObject({
      durationMs: 10_000,
      firstCause: 'heartbeat_timeout',
      lastHttpStatus: 403,
    });
    expect(lines).toEqual([
      { msg: 'outage start', fields: expect.objectContaining({ target: 'lab', leg: 'lb', since: 10_000 }) },
      {
        msg: 'outage end',
        fields: expect.objectContaining({ leg: 'lb', dur_ms: 10_000, attempts: 2, last_http_status: 403 }),
      },
    ]);
    expect(tracker.condition('lab', 'lb')).toEqual({ state: 'up', since: 20_000 });
  });

  it('publishes each outage event after the session event that caused it reached every subscriber', async () => {
    const { bus, close } = setup();
    const kinds: string[] = [];
    bus.subscribe(({ event }) => kinds.push(event.kind));
    bus.publish(sessionOpen('lab', 'lb', 's1', 1_000));
    close('s1', 1_000, 2_000, { cause: 'reset' });
    bus.publish(sessionOpen('lab', 'lb', 's2', 3_000));
    await settle();
    expect(kinds).toEqual(['session_open', 'session_close', 'session_open', 'outage', 'outage']);
  });

  it('ends the outages a previous run left open, at restart', async () => {
    const { tracker, outages } = setup();
    const open: Outage = {
      target: 'lab',
      leg: 'lb',
      since: 5_000,
      until: null,
      durationMs: null,
      firstCause: 'reset',
      lastCause: 'connect_failed',
      attempts: 4,
      lastError: 'ECONNREFUSED',
      lastHttpStatus: null,
    };
    const ended = await tracker.endOrphaned({ outages: async (q) => (q.open ? [open] : []) }, 60_000);
    expect(ended).toEqual([{ ...open, until: 60_000, durationMs: 55_000 }]);
    expect(outages).toEqual(ended);
  });

  it('publishes nothing after close', async () => {
    const { bus, tracker, outages, close } = setup();
    bus.publish(sessionOpen('lab', 'lb', 's1', 1_000));
    close('s1', 1_000, 2_000, { cause: 'reset' });
    tracker.close();
    await settle();
    expect(outages).toEqual([]);
  });
});
