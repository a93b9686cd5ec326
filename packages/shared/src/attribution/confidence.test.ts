import { describe, expect, it } from 'vitest';
import type { Confidence } from '../protocol/verdict.js';
import { judgeConfidence } from './confidence.js';

describe('judgeConfidence', () => {
  it.each<[string, string[], string[], boolean, Confidence]>([
    ['suspects and every leg known', ['lb'], [], false, 'high'],
    ['suspects but some legs unknown', ['lb'], ['app'], false, 'low'],
    ['no suspects', [], [], false, 'inconclusive'],
    ['no suspects and unknown legs', [], ['app'], false, 'inconclusive'],
    ['the prober stalled, whatever else', ['lb'], [], true, 'inconclusive'],
  ])('%s → %s', (_name, suspects, unknown, proberStalled, confidence) => {
    expect(judgeConfidence({ suspects, unknown, proberStalled })).toBe(confidence);
  });
});
