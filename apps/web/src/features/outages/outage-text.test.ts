import type { Outage } from '@hopwatch/shared/protocol';
import { describe, expect, it } from 'vitest';
import { describeOutage, outageBands } from './outage-text';

const outage = (more: Partial<Outage> = {}): Outage => ({
  target: 'lab',
  leg: 'lb',
  since: 10_000,
  until: null,
  durationMs: null,
  firstCause: 'heartbeat_timeout',
  lastCause: 'heartbeat_timeout',
  attempts: 0,
  lastError: null,
  lastHttpStatus: null,
  ...more,
});

describe('describeOutage', () => {
  it.each<[string, Partial<Outage>, number, string]>([
    [
      'the issue example: ended, with a 403 last',
      { until: 82_000, attempts: 6, lastCause: 'handshake_rejected', lastHttpStatus: 403 },
      90_000,
      'down 1m 12s, 6 attempts, last: 403',
    ],
    ['open: lasts until now, no attempts yet', {}, 15_000, 'down 5s, last: heartbeat timeout'],
    [
      'one attempt with an errno',
      { attempts: 1, lastCause: 'connect_failed', lastError: 'ECONNREFUSED' },
      40_000,
      'down 30s, 1 attempt, last: ECONNREFUSED',
    ],
    [
      'a timeout error text gives its code',
      { attempts: 3, lastCause: 'connect_failed', lastError: 'ETIMEDOUT: no HTTP response within 1500 ms' },
      20_000,
      'down 10s, 3 attempts, last: ETIMEDOUT',
    ],
  ])('%s', (_name, more, now, text) => {
    expect(describeOutage(outage(more), now)).toBe(text);
  });
});

describe('outageBands', () => {
  it('draws each outage as one band clipped to the window, open ones to now, oldest first', () => {
    const bands = outageBands(
      [outage({ since: 50_000 }), outage({ since: 0, until: 20_000, attempts: 2, lastHttpStatus: 502 })],
      5_000,
      100_000,
      60_000,
    );
    expect(bands).toEqual([
      { from: 5_000, to: 20_000, open: false, label: 'down 20s, 2 attempts, last: 502' },
      { from: 50_000, to: 60_000, open: true, label: 'down 10s, last: heartbeat timeout' },
    ]);
  });

  it('leaves out outages outside the window', () => {
    expect(outageBands([outage({ since: 0, until: 1_000 })], 5_000, 10_000, 10_000)).toEqual([]);
  });
});
