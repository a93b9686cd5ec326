import { describe, expect, it } from 'vitest';
import { overviewPage } from './overview-page';

const a = { name: 'a' };
const b = { name: 'b' };

describe('overviewPage', () => {
  it.each([
    { targets: [], chosen: null, page: { kind: 'none' } },
    { targets: [], chosen: 'a', page: { kind: 'none' } },
    { targets: [a], chosen: null, page: { kind: 'target', target: a } },
    { targets: [a], chosen: 'gone', page: { kind: 'target', target: a } },
    { targets: [a, b], chosen: null, page: { kind: 'targets' } },
    { targets: [a, b], chosen: 'gone', page: { kind: 'targets' } },
    { targets: [a, b], chosen: 'b', page: { kind: 'target', target: b } },
    { targets: [a, b], chosen: 'a', page: { kind: 'target', target: a } },
  ])('$targets.length target(s), chosen $chosen → $page.kind', ({ targets, chosen, page }) => {
    expect(overviewPage(targets, chosen)).toEqual(page);
  });
});
