import { ATTEMPT_CAUSES, CAUSES, type HopEvent, type Session, type Verdict } from '@hopwatch/shared/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HEARTBEAT } from '../config/defaults.js';
import { EventBus } from '../events/bus.js';
import { closedSession, rtt } from '../store/test-support/store-fixture.js';
import { VERSION } from '../version.js';
import { createMetrics, type HopwatchMetrics, RTT_BUCKETS_S } from './hopwatch-metrics.js';

function dropped(overrides: Partial<Session>): Session {
  return closedSession('t3', 'edge', 's1', 0, 100_000, { cause: 'remote_close', ...overrides });
}

function closeEvent(session: Session): HopEvent {
  return {
    kind: 'session_close',
    ts: session.closedAt ?? 0,
    target: session.target,
    leg: session.leg,
    session,
  };
}

function rttEvent(rttMs: number | null, suspect = false): HopEvent {
  return rtt('t3', 'edge', 's1', 1, rttMs, { suspect });
}

/** The value of one sample line, e.g. `hopwatch_leg_up{target="t3",leg="edge"}`; null when absent. */
async function sample(metrics: HopwatchMetrics, series: string): Promise<number | null> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

describe('createMetrics', () => {
  let bus: EventBus;
  let metrics: HopwatchMetrics;
  let liveClients = 0;

  function build(legs = [{ target: 't3', leg: 'edge' }]) {
    bus = new EventBus();
    metrics = createMetrics({ bus, liveClients: () => liveClients, legs: () => legs });
  }

  afterEach(() => metrics.close());

  it('exposes every contract metric name and the default process metrics', async () => {
    build();
    const text = await metrics.registry.metrics();
    for (const name of [
      'hopwatch_leg_up',
      'hopwatch_leg_drops_total',
      'hopwatch_leg_connect_failures_total',
      'hopwatch_leg_outage_seconds',
      'hopwatch_verdicts_total',
      'hopwatch_rtt_seconds',
      'hopwatch_session_duration_seconds',
      'hopwatch_heartbeats_lost_total',
      'hopwatch_prober_event_loop_delay_seconds',
      'hopwatch_live_clients',
      'hopwatch_build_info',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('starts every configured leg at leg_up 0 and follows leg_state', async () => {
    build([
      { target: 't3', leg: 'edge' },
      { target: 't3', leg: 'lb' },
    ]);
    expect(await sample(metrics, 'hopwatch_leg_up{target="t3",leg="lb"}')).toBe(0);
    bus.publish({
      kind: 'leg_state',
      ts: 1,
      target: 't3',
      leg: 'edge',
      state: 'up',
      since: 1,
      retryAt: null,
    });
    expect(await sample(metrics, 'hopwatch_leg_up{target="t3",leg="edge"}')).toBe(1);
    bus.publish({ kind: 'leg_state', ts: 2, target: 't3', leg: 'edge', state: 'down', since: 2, retryAt: 9 });
    expect(await sample(metrics, 'hopwatch_leg_up{target="t3",leg="edge"}')).toBe(0);
  });

  it('counts established sessions lost by cause and observes their durations; failed attempts are connect failures', async () => {
    build();
    bus.publish(closeEvent(dropped({ cause: 'reset', durationMs: 100_000 })));
    bus.publish(closeEvent(dropped({ cause: 'reset', durationMs: 99_000 })));
    bus.publish(closeEvent(dropped({ cause: null, durationMs: 5_000 })));
    bus.publish(closeEvent(dropped({ cause: 'connect_failed', durationMs: 0, closedAt: 0 })));
    expect(await sample(metrics, 'hopwatch_leg_drops_total{target="t3",leg="edge",cause="reset"}')).toBe(2);
    bus.publish(
      closeEvent(dropped({ cause: 'handshake_rejected', httpStatus: 403, durationMs: 0, closedAt: 0 })),
    );
    bus.publish(closeEvent(dropped({ cause: 'connect_failed', durationMs: 0, closedAt: 0 })));
    expect(
      await sample(metrics, 'hopwatch_leg_drops_total{target="t3",leg="edge",cause="connect_failed"}'),
    ).toBeNull();
    expect(
      await sample(
        metrics,
        'hopwatch_leg_connect_failures_total{target="t3",leg="edge",cause="connect_failed"}',
      ),
    ).toBe(2);
    expect(
      await sample(
        metrics,
        'hopwatch_leg_connect_failures_total{target="t3",leg="edge",cause="handshake_rejected"}',
      ),
    ).toBe(1);
    expect(await sample(metrics, 'hopwatch_session_duration_seconds_count{target="t3",leg="edge"}')).toBe(2);
    expect(
      await sample(metrics, 'hopwatch_session_duration_seconds_bucket{le="100",target="t3",leg="edge"}'),
    ).toBe(2);
    expect(
      await sample(metrics, 'hopwatch_session_duration_seconds_bucket{le="60",target="t3",leg="edge"}'),
    ).toBe(0);
  });

  it('observes ended outages in seconds, not open ones', async () => {
    build();
    const outage = {
      target: 't3',
      leg: 'edge',
      since: 1_000,
      until: null,
      durationMs: null,
      firstCause: 'heartbeat_timeout' as const,
      lastCause: 'connect_failed' as const,
      attempts: 3,
      lastError: null,
      lastHttpStatus: null,
    };
    bus.publish({ kind: 'outage', ts: 1_000, target: 't3', leg: 'edge', outage });
    expect(await sample(metrics, 'hopwatch_leg_outage_seconds_count{target="t3",leg="edge"}')).toBeNull();
    bus.publish({
      kind: 'outage',
      ts: 73_000,
      target: 't3',
      leg: 'edge',
      outage: { ...outage, until: 73_000, durationMs: 72_000 },
    });
    expect(await sample(metrics, 'hopwatch_leg_outage_seconds_count{target="t3",leg="edge"}')).toBe(1);
    expect(await sample(metrics, 'hopwatch_leg_outage_seconds_bucket{le="60",target="t3",leg="edge"}')).toBe(
      0,
    );
    expect(await sample(metrics, 'hopwatch_leg_outage_seconds_bucket{le="120",target="t3",leg="edge"}')).toBe(
      1,
    );
  });

  it('counts each final cluster verdict once per suspect; provisional ones and reports not at all', async () => {
    build();
    const verdict: Verdict = {
      id: 'cluster:t3:s1',
      target: 't3',
      kind: 'cluster',
      evidence: [],
      at: 1,
      from: 0,
      to: 2,
      dropped: ['edge', 'lb'],
      clean: ['app'],
      unknown: [],
      suspects: ['lb', 'lb:entry'],
      confidence: 'high',
      signatures: [],
      summary: '',
      sessionIds: ['s1'],
      judgedAt: 3,
      final: false,
    };
    const publish = (v: Verdict) =>
      bus.publish({ kind: 'verdict', ts: v.judgedAt, target: 't3', leg: null, verdict: v });
    publish(verdict);
    expect(
      await sample(metrics, 'hopwatch_verdicts_total{target="t3",suspect="lb",confidence="high"}'),
    ).toBeNull();
    publish({ ...verdict, final: true });
    publish({ ...verdict, final: true, judgedAt: 4 });
    publish({ ...verdict, id: 'reported:t3:1', kind: 'reported', final: true });
    publish({ ...verdict, id: 'cluster:t3:s2', suspects: [], confidence: 'inconclusive', final: true });
    expect(await sample(metrics, 'hopwatch_verdicts_total{target="t3",suspect="lb",confidence="high"}')).toBe(
      1,
    );
    expect(
      await sample(metrics, 'hopwatch_verdicts_total{target="t3",suspect="lb:entry",confidence="high"}'),
    ).toBe(1);
    expect(
      await sample(metrics, 'hopwatch_verdicts_total{target="t3",suspect="",confidence="inconclusive"}'),
    ).toBe(1);
  });

  it('observes answered RTT in seconds, counts lost heartbeats, and leaves suspect samples out', async () => {
    build();
    bus.publish(rttEvent(0.8));
    bus.publish(rttEvent(30));
    bus.publish(rttEvent(null));
    bus.publish(rttEvent(5_000, true));
    expect(await sample(metrics, 'hopwatch_rtt_seconds_count{target="t3",leg="edge"}')).toBe(2);
    expect(await sample(metrics, 'hopwatch_rtt_seconds_bucket{le="0.001",target="t3",leg="edge"}')).toBe(1);
    expect(await sample(metrics, 'hopwatch_rtt_seconds_bucket{le="0.05",target="t3",leg="edge"}')).toBe(2);
    expect(await sample(metrics, 'hopwatch_heartbeats_lost_total{target="t3",leg="edge"}')).toBe(1);
  });

  it('counts rtt events published in runs exactly as one at a time', async () => {
    const legs = [
      { target: 't3', leg: 'edge' },
      { target: 't3', leg: 'lb' },
      { target: 't4', leg: 'edge' },
    ];
    const events = Array.from({ length: 60 }, (_, i) => {
      const { target, leg } = legs[i % legs.length]!;
      return rtt(target, leg, `s-${leg}`, i, i % 7 === 0 ? null : 0.2 + i * 3.1, { suspect: i % 5 === 0 });
    });
    const byRun = new EventBus();
    const byRunMetrics = createMetrics({ bus: byRun, liveClients: () => 0, legs: () => legs });
    build(legs);
    try {
      for (const event of events) bus.publish(event);
      for (let i = 0; i < events.length; i += 25) byRun.publishRtt(events.slice(i, i + 25));
      const ours = (text: string) =>
        text
          .split('\n')
          .filter((line) => line.includes('hopwatch_rtt') || line.includes('hopwatch_heartbeats'));
      const expected = ours(await metrics.registry.metrics());
      expect(expected.filter((line) => line.startsWith('hopwatch_rtt_seconds_count'))).toHaveLength(3);
      expect(ours(await byRunMetrics.registry.metrics())).toEqual(expected);
    } finally {
      byRunMetrics.close();
    }
  });

  it('observes prober stalls with a 1 s bucket edge (the alert rules use le="1")', async () => {
    build();
    bus.publish({ kind: 'prober_stall', ts: 1, target: null, leg: null, delayMs: 1_500, thresholdMs: 1_000 });
    expect(await sample(metrics, 'hopwatch_prober_event_loop_delay_seconds_bucket{le="1"}')).toBe(0);
    expect(await sample(metrics, 'hopwatch_prober_event_loop_delay_seconds_bucket{le="2.5"}')).toBe(1);
  });

  it('reads the live client count at scrape time', async () => {
    build();
    liveClients = 7;
    expect(await sample(metrics, 'hopwatch_live_clients')).toBe(7);
  });

  it('stops counting after close, and two registries on one bus do not collide', async () => {
    build();
    const second = createMetrics({ bus, liveClients: () => 0, legs: () => [{ target: 't3', leg: 'edge' }] });
    bus.publish(rttEvent(null));
    second.close();
    bus.publish(rttEvent(null));
    expect(await sample(metrics, 'hopwatch_heartbeats_lost_total{target="t3",leg="edge"}')).toBe(2);
    expect(await sample(second, 'hopwatch_heartbeats_lost_total{target="t3",leg="edge"}')).toBe(1);
  });

  it('says which version runs on which Node.js in hopwatch_build_info', async () => {
    build();
    expect(
      await sample(metrics, `hopwatch_build_info{version="${VERSION}",node="${process.versions.node}"}`),
    ).toBe(1);
  });

  it('starts every counter of every configured leg at 0, for each of its causes, so increase() sees the first', async () => {
    build([
      { target: 't3', leg: 'edge' },
      { target: 't3', leg: 'lb' },
    ]);
    for (const leg of ['edge', 'lb']) {
      for (const cause of CAUSES) {
        // drops count established sessions lost; failed attempts are connect failures
        const [counter, other] = ATTEMPT_CAUSES.includes(cause)
          ? ['hopwatch_leg_connect_failures_total', 'hopwatch_leg_drops_total']
          : ['hopwatch_leg_drops_total', 'hopwatch_leg_connect_failures_total'];
        expect(await sample(metrics, `${counter}{target="t3",leg="${leg}",cause="${cause}"}`)).toBe(0);
        expect(await sample(metrics, `${other}{target="t3",leg="${leg}",cause="${cause}"}`)).toBeNull();
      }
      expect(await sample(metrics, `hopwatch_heartbeats_lost_total{target="t3",leg="${leg}"}`)).toBe(0);
    }
    bus.publish(closeEvent(dropped({ cause: 'heartbeat_timeout' })));
    expect(
      await sample(metrics, 'hopwatch_leg_drops_total{target="t3",leg="edge",cause="heartbeat_timeout"}'),
    ).toBe(1);
  });

  it('removes the series of a leg no longer configured, even one its closing leg wrote after', async () => {
    const legs = [
      { target: 't3', leg: 'edge' },
      { target: 't3', leg: 'lb' },
    ];
    build(legs);
    const lb = (overrides: Partial<Session>) =>
      closedSession('t3', 'lb', 's2', 0, 100_000, { cause: 'reset', ...overrides });
    bus.publish(closeEvent(lb({})));
    bus.publish(rtt('t3', 'lb', 's2', 1, 4, {}));
    bus.publish({ kind: 'leg_state', ts: 1, target: 't3', leg: 'lb', state: 'up', since: 1, retryAt: null });
    expect(await sample(metrics, 'hopwatch_leg_up{target="t3",leg="lb"}')).toBe(1);

    legs.splice(1, 1); // the reload: lb is gone
    expect(await metrics.registry.metrics()).not.toContain('leg="lb"');
    bus.publish({
      kind: 'leg_state',
      ts: 2,
      target: 't3',
      leg: 'lb',
      state: 'down',
      since: 2,
      retryAt: null,
    });
    expect(await metrics.registry.metrics()).not.toContain('leg="lb"');
    expect(await sample(metrics, 'hopwatch_leg_up{target="t3",leg="edge"}')).toBe(0);

    legs.push({ target: 't3', leg: 'lb' }); // and back: it starts again from 0
    expect(await sample(metrics, 'hopwatch_leg_drops_total{target="t3",leg="lb",cause="reset"}')).toBe(0);
    // and its RTT counts again (not into the histogram child the removal detached)
    bus.publish(rtt('t3', 'lb', 's3', 2, 4, {}));
    expect(await sample(metrics, 'hopwatch_rtt_seconds_count{target="t3",leg="lb"}')).toBe(1);
  });

  it('has RTT buckets up to 60 s, past the 20 s default heartbeat timeout', async () => {
    build();
    bus.publish(rttEvent(19_000));
    expect(await sample(metrics, 'hopwatch_rtt_seconds_bucket{le="15",target="t3",leg="edge"}')).toBe(0);
    expect(await sample(metrics, 'hopwatch_rtt_seconds_bucket{le="20",target="t3",leg="edge"}')).toBe(1);
    expect(RTT_BUCKETS_S.at(-1)).toBe(60);
    expect(RTT_BUCKETS_S).toContain(DEFAULT_HEARTBEAT.timeoutMs / 1_000);
  });
});
