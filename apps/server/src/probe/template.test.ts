import { describe, expect, it } from 'vitest';
import { fillTemplate } from './template.js';

describe('fillTemplate', () => {
  it.each([
    ['{"type":"ping","seq":{{seq}}}', '{"type":"ping","seq":7}'],
    ['"seq":{{seq}}', '"seq":7'],
    ['{{seq}}-{{seq}} at {{ts}}', '7-7 at 1700000000000'],
    ['no placeholders', 'no placeholders'],
    ['{{unknown}} stays', '{{unknown}} stays'],
    ['', ''],
  ])('%s → %s', (template, filled) => {
    expect(fillTemplate(template, { seq: 7, ts: 1_700_000_000_000 })).toBe(filled);
  });
});
