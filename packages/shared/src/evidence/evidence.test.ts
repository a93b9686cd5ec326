import { describe, expect, it } from 'vitest';
import type { EvidencePoint, VerdictEvidence } from '../protocol/evidence.js';
import type { Verdict } from '../protocol/verdict.js';
import { type EvidenceFacts, findEvidence, formatValue, spansAbove, withEvidence } from './evidence.js';

const AT = 1_000_000;
const WINDOW = { from: AT - 10_000, to: AT + 10_000 };

/** A series sampled every second from `start`, one value per sample. */
function points(start: number, values: readonly number[]): EvidencePoint[] {
  return values.map((v, i) => ({ t: start + i * 1_000, v }));
}

function facts(overrides: Partial<EvidenceFacts>): EvidenceFacts {
  return {
    kind: 'cluster',
    at: AT,
    window: WINDOW,
    suspects: ['app'],
    cleanLegs: [{ name: 'edge', covers: ['edge', 'edge:entry'] }],
    series: [],
    ...overrides,
  };
}

describe('findEvidence', () => {
  it.each<[string, Partial<EvidenceFacts>, Partial<VerdictEvidence>[]]>([
    [
      'a series above its threshold on a suspect segment supports the verdict',
      {
        series: [
          { name: 'io', segment: 'app', above: 0.2, points: points(AT - 12_000, [0.1, 0.5, 0.8, 0.3]) },
        ],
      },
      [
        {
          name: 'io',
          segment: 'app',
          peak: 0.8,
          above: 0.2,
          from: AT - 11_000,
          to: AT - 9_000,
          bearing: 'supports',
          summary: 'io on app was 0.8 (above 0.2) from 11s before the drops',
        },
      ],
    ],
    [
      'a series on a segment a clean leg crosses is ruled out, and says which leg',
      { series: [{ name: 'node-pressure', segment: 'edge', above: 0.2, points: points(AT, [0.9]) }] },
      [
        {
          bearing: 'ruled-out',
          summary: 'node-pressure on edge does not explain it: edge stayed clean (peak 0.9 (above 0.2))',
        },
      ],
    ],
    [
      'a series on a segment neither suspected nor crossed by a clean leg is unrelated',
      { series: [{ name: 'swap', segment: 'lb', above: 0, points: points(AT + 2_000, [3]) }] },
      [{ bearing: 'unrelated', summary: 'swap on lb was 3 (above 0) from 2s after the first drop' }],
    ],
    [
      'values at the threshold are not above it',
      { series: [{ name: 'io', segment: 'app', above: 0.2, points: points(AT, [0.2, 0.2]) }] },
      [],
    ],
    [
      'samples older than 2 minutes before the window do not count',
      {
        series: [{ name: 'io', segment: 'app', above: 0.2, points: points(WINDOW.from - 121_000, [0.9]) }],
      },
      [],
    ],
    [
      'samples 2 minutes before the window do count',
      {
        series: [{ name: 'io', segment: 'app', above: 0.2, points: points(WINDOW.from - 120_000, [0.9]) }],
      },
      [{ from: WINDOW.from - 120_000, summary: 'io on app was 0.9 (above 0.2) from 130s before the drops' }],
    ],
    [
      'samples after the window do not count',
      { series: [{ name: 'io', segment: 'app', above: 0.2, points: points(WINDOW.to + 1, [0.9]) }] },
      [],
    ],
    [
      'NaN samples (a stale or undefined rate) are never above',
      { series: [{ name: 'io', segment: 'app', above: 0.2, points: points(AT, [Number.NaN]) }] },
      [],
    ],
    [
      'supporting evidence comes first, ruled-out last, then by when it began',
      {
        series: [
          { name: 'edge-cpu', segment: 'edge', above: 1, points: points(AT - 5_000, [2]) },
          { name: 'lb-conns', segment: 'lb', above: 1, points: points(AT - 9_000, [2]) },
          { name: 'app-late', segment: 'app', above: 1, points: points(AT - 1_000, [2]) },
          { name: 'app-early', segment: 'app', above: 1, points: points(AT - 3_000, [2]) },
        ],
      },
      [{ name: 'app-early' }, { name: 'app-late' }, { name: 'lb-conns' }, { name: 'edge-cpu' }],
    ],
    [
      'a reported drop words the time against the reported time',
      {
        kind: 'reported',
        series: [{ name: 'io', segment: 'app', above: 0.2, points: points(AT - 3_000, [0.25]) }],
      },
      [{ summary: 'io on app was 0.25 (above 0.2) from 3s before the reported time' }],
    ],
    [
      'several clean legs crossing a ruled-out segment are all named',
      {
        cleanLegs: [
          { name: 'edge', covers: ['edge', 'lb'] },
          { name: 'lb', covers: ['lb'] },
        ],
        suspects: ['app'],
        series: [{ name: 'conns', segment: 'lb', above: 10, points: points(AT, [12]) }],
      },
      [{ summary: 'conns on lb does not explain it: edge and lb all stayed clean (peak 12 (above 10))' }],
    ],
  ])('%s', (_name, input, expected) => {
    const found = findEvidence(facts(input));
    expect(found).toHaveLength(expected.length);
    for (const [index, item] of expected.entries()) expect(found[index]).toMatchObject(item);
  });
});

describe('withEvidence', () => {
  const verdict: Verdict = {
    id: 'v1',
    target: 't',
    kind: 'cluster',
    final: true,
    at: AT,
    from: WINDOW.from,
    to: WINDOW.to,
    dropped: ['app', 'edge', 'lb'],
    clean: [],
    unknown: [],
    suspects: ['app'],
    confidence: 'high',
    signatures: [],
    summary: 'app: app, edge and lb dropped together',
    sessionIds: [],
    judgedAt: AT + 20_000,
    evidence: [],
  };
  const [io] = findEvidence(
    facts({ series: [{ name: 'io', segment: 'app', above: 0.2, points: points(AT - 12_000, [0.8]) }] }),
  );

  it.each<[string, Verdict, VerdictEvidence[], string]>([
    [
      'appends the evidence to the summary',
      verdict,
      io ? [io] : [],
      'app: app, edge and lb dropped together — io on app was 0.8 (above 0.2) from 12s before the drops',
    ],
    ['no evidence leaves the summary alone', verdict, [], verdict.summary],
    [
      'attaching again replaces the clause rather than repeating it',
      withEvidence(verdict, io ? [io] : []),
      io ? [io] : [],
      'app: app, edge and lb dropped together — io on app was 0.8 (above 0.2) from 12s before the drops',
    ],
    [
      'attaching none to a verdict with evidence takes the clause away',
      withEvidence(verdict, io ? [io] : []),
      [],
      verdict.summary,
    ],
  ])('%s', (_name, base, evidence, summary) => {
    const result = withEvidence(base, evidence);
    expect(result.summary).toBe(summary);
    expect(result.evidence).toEqual(evidence);
    expect(result.confidence).toBe(base.confidence);
    expect(result.suspects).toEqual(base.suspects);
  });
});

describe('spansAbove', () => {
  it.each<[string, number[], number, { from: number; to: number }[]]>([
    ['never above', [0, 1, 1], 1, []],
    ['one stretch ends at the next sample', [0, 2, 3, 0], 1, [{ from: 1_000, to: 3_000 }]],
    ['a stretch to the end runs one step past the last sample', [0, 2], 1, [{ from: 1_000, to: 2_000 }]],
    [
      'two stretches',
      [2, 0, 2, 0],
      1,
      [
        { from: 0, to: 1_000 },
        { from: 2_000, to: 3_000 },
      ],
    ],
  ])('%s', (_name, values, above, expected) => {
    expect(spansAbove(points(0, values), above, 1_000)).toEqual(expected);
  });

  it('a gap in the samples ends a stretch', () => {
    const gappy = [
      { t: 0, v: 5 },
      { t: 10_000, v: 5 },
    ];
    expect(spansAbove(gappy, 1, 1_000)).toEqual([
      { from: 0, to: 1_000 },
      { from: 10_000, to: 11_000 },
    ]);
  });
});

describe('formatValue', () => {
  it.each<[number, string]>([
    [0.8, '0.8'],
    [0.123456, '0.123'],
    [1234, '1230'],
    [12.5, '12.5'],
    [0, '0'],
  ])('%s → %s', (value, text) => expect(formatValue(value)).toBe(text));
});
