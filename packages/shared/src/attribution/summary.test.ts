import { describe, expect, it } from 'vitest';
import type { LegClassification } from './classify.js';
import { type SummaryInput, summarize } from './summary.js';

const dropped = (leg: string): LegClassification => ({ leg, state: 'dropped', reason: 'reset' });
const clean = (leg: string): LegClassification => ({
  leg,
  state: 'clean',
  reason: 'up, every heartbeat answered',
});
const unknown = (leg: string, reason: string): LegClassification => ({ leg, state: 'unknown', reason });

describe('summarize', () => {
  it.each<[string, SummaryInput, string]>([
    [
      'the SPEC example',
      {
        kind: 'cluster',
        suspects: ['traefik', 'dispatch'],
        legs: [dropped('cloudflare'), dropped('internal'), clean('t3serve')],
        proberStalled: false,
      },
      'traefik or dispatch: cloudflare and internal dropped together while t3serve stayed up',
    ],
    [
      'one leg, one suspect',
      {
        kind: 'cluster',
        suspects: ['lb:entry'],
        legs: [clean('edge'), dropped('lb'), clean('app')],
        proberStalled: false,
      },
      'lb:entry: lb dropped while edge and app stayed up',
    ],
    [
      'unknown legs say why',
      {
        kind: 'cluster',
        suspects: ['lb', 'app'],
        legs: [dropped('edge'), dropped('lb'), unknown('app', 'already down')],
        proberStalled: false,
      },
      'lb or app: edge and lb dropped together; app (already down) unknown',
    ],
    [
      'a reported drop with every leg up',
      {
        kind: 'reported',
        suspects: ['last-mile'],
        legs: [clean('edge'), clean('lb'), clean('app')],
        proberStalled: false,
      },
      'last-mile: edge, lb and app all stayed up when the drop was reported',
    ],
    [
      'no suspect left',
      {
        kind: 'cluster',
        suspects: [],
        legs: [dropped('edge'), clean('lb'), dropped('app')],
        proberStalled: false,
      },
      'inconclusive: edge and app dropped together while lb stayed up, and no hop is crossed by every dropped leg without a leg that stayed up',
    ],
    [
      'a prober stall overrides the rest',
      {
        kind: 'cluster',
        suspects: ['lb'],
        legs: [dropped('edge'), dropped('lb'), clean('app')],
        proberStalled: true,
      },
      'inconclusive: hopwatch itself stalled, so these drops are not evidence against the path',
    ],
  ])('%s', (_name, input, sentence) => {
    expect(summarize(input)).toBe(sentence);
  });
});
