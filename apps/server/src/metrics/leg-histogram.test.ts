import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { legSlots } from '../events/leg-slots.js';
import { LegHistogram } from './leg-histogram.js';
import { SyncedRegistry } from './leg-series.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];

/**
 * The same observations into prom-client's Histogram and into LegHistogram, each in its own registry (ours: a
 * plain Registry, which formats what getForPromString returns, or hopwatch's, which asks for the exposition).
 */
function both(
  observations: Array<[target: string, leg: string, value: number]>,
  { ours = new Registry(), help = 'h', defaults = {} as Record<string, string> } = {},
) {
  const theirs = new Registry();
  ours.setDefaultLabels(defaults);
  theirs.setDefaultLabels(defaults);
  const fast = new LegHistogram({ name: 'h_seconds', help, buckets: BUCKETS, registers: [ours] });
  const reference = new Histogram({
    name: 'h_seconds',
    help,
    labelNames: ['target', 'leg'],
    buckets: BUCKETS,
    registers: [theirs],
  });
  for (const [target, leg, value] of observations) {
    fast.observe({ target, leg }, value);
    reference.observe({ target, leg }, value);
  }
  return { ours, theirs, fast, reference };
}

describe('LegHistogram', () => {
  it.each<[string, Array<[string, string, number]>]>([
    ['no observation', []],
    [
      'one leg, every bucket and past the last',
      [
        ['t', 'a', 0.0005],
        ['t', 'a', 0.001],
        ['t', 'a', 0.05],
        ['t', 'a', 0.5],
        ['t', 'a', 7],
      ],
    ],
    [
      'several legs and targets',
      [
        ['t', 'a', 0.002],
        ['u', 'a', 0.02],
        ['t', 'b', 0.2],
        ['t', 'a', 0.003],
      ],
    ],
    [
      'label values that need escaping',
      [
        ['t"x', 'a\\b', 0.01],
        ['t', 'line\nbreak', 0.01],
      ],
    ],
  ])('writes what prom-client writes: %s', async (_, observations) => {
    const { ours, theirs } = both(observations);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  it.each<[string, Record<string, string>]>([
    ['without default labels', {}],
    ['with a vantage label, as instances sharing a store have', { vantage: 'eu "west"\\1' }],
  ])('writes its exposition itself, byte for byte as prom-client would: %s', async (_, defaults) => {
    const observations: Array<[string, string, number]> = [
      ['t', 'a', 0.0005],
      ['t', 'a', 0.05],
      ['u"x', 'b\\c', 3],
      ['t', 'line\nbreak', 0.01],
    ];
    const { ours, theirs } = both(observations, {
      ours: new SyncedRegistry(() => {}),
      help: 'h \\ help\nline',
      defaults,
    });
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('ignores a value that is not a number, as a sample must never break the scrape', async () => {
    const { ours, fast } = both([['t', 'a', 0.01]]);
    fast.observe({ target: 't', leg: 'a' }, Number.NaN);
    fast.observe({ target: 't', leg: 'a' }, Number.POSITIVE_INFINITY);
    expect(await ours.metrics()).toContain('h_seconds_count{target="t",leg="a"} 1');
  });

  it('removes one leg and keeps the others, as a reload that removed the leg needs', async () => {
    const { ours, theirs, fast, reference } = both([
      ['t', 'a', 0.01],
      ['t', 'b', 0.02],
    ]);
    fast.remove({ target: 't', leg: 'a' });
    reference.remove({ target: 't', leg: 'a' });
    const text = await ours.metrics();
    expect(text).not.toContain('leg="a"');
    expect(text).toBe(await theirs.metrics());
  });

  it('observed by leg slot, writes what observing by names writes, through removals and a reset', async () => {
    // Samples from the prober thread carry their leg's slot; a series remembered by slot past the leg's removal
    // (a reload) or a reset would take samples nobody scrapes, or bring back counts that were dropped.
    const { ours, theirs, fast, reference } = both([]);
    const observe = (leg: string, value: number) => {
      fast.observe({ target: 't', leg }, value, legSlots.slotOf('t', leg));
      reference.observe({ target: 't', leg }, value);
    };
    const remove = (leg: string) => {
      fast.remove({ target: 't', leg });
      reference.remove({ target: 't', leg });
    };
    observe('a', 0.01);
    observe('b', 0.02);
    observe('a', 0.5);
    remove('a');
    observe('a', 0.002);
    observe('b', 0.2);
    expect(await ours.metrics()).toContain('h_seconds_count{target="t",leg="a"} 1');
    expect(await ours.metrics()).toBe(await theirs.metrics());
    fast.reset();
    reference.reset();
    observe('b', 0.003);
    expect(await ours.metrics()).toContain('h_seconds_count{target="t",leg="b"} 1');
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});
