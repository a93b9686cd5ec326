import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW,
  freezeWindow,
  liveTickMs,
  parseViewWindow,
  resolveWindow,
  shareUrl,
  type ViewWindow,
  writeViewWindow,
} from './view-window';

const FROM = Date.UTC(2025, 4, 1, 12, 0, 0);
const TO = Date.UTC(2025, 4, 1, 13, 30, 0);

describe('parseViewWindow', () => {
  it.each<[string, ViewWindow]>([
    ['', DEFAULT_WINDOW],
    ['range=15m', { kind: 'live', range: '15m', spanMs: 900_000 }],
    ['range=24h', { kind: 'live', range: '24h', spanMs: 86_400_000 }],
    ['range=7d', DEFAULT_WINDOW],
    [`from=${FROM}&to=${TO}`, { kind: 'fixed', from: FROM, to: TO }],
    ['from=2025-05-01T12:00:00Z&to=2025-05-01T13:30:00Z', { kind: 'fixed', from: FROM, to: TO }],
    ['from=2025-05-01T12:00:00Z&to=2025-05-01T13:30:00Z&range=15m', { kind: 'fixed', from: FROM, to: TO }],
    [
      'from=2025-05-01T13:30:00Z&to=2025-05-01T12:00:00Z&range=6h',
      { kind: 'live', range: '6h', spanMs: 21_600_000 },
    ],
    ['from=yesterday&to=2025-05-01T13:30:00Z', DEFAULT_WINDOW],
    ['from=2025-05-01T12:00:00Z', DEFAULT_WINDOW],
  ])('%j', (query, expected) => {
    expect(parseViewWindow(new URLSearchParams(query))).toEqual(expected);
  });

  it.each<ViewWindow>([
    { kind: 'live', range: '6h', spanMs: 21_600_000 },
    { kind: 'fixed', from: FROM, to: TO },
  ])('round-trips %j through the URL and keeps other parameters', (window) => {
    const params = writeViewWindow(new URLSearchParams('target=lab&range=15m&drop=s1'), window);
    expect(parseViewWindow(params)).toEqual(window);
    expect(params.get('target')).toBe('lab');
    expect(params.get('drop')).toBe('s1');
  });
});

describe('resolveWindow and freezeWindow', () => {
  it('a live window ends now', () => {
    expect(resolveWindow({ kind: 'live', range: '15m', spanMs: 900_000 }, TO)).toEqual({
      from: TO - 900_000,
      to: TO,
    });
    expect(freezeWindow({ kind: 'live', range: '15m', spanMs: 900_000 }, TO)).toEqual({
      kind: 'fixed',
      from: TO - 900_000,
      to: TO,
    });
  });
  it('a fixed window ignores the clock', () => {
    expect(resolveWindow({ kind: 'fixed', from: FROM, to: TO }, TO + 86_400_000)).toEqual({
      from: FROM,
      to: TO,
    });
  });
});

describe('shareUrl', () => {
  it('carries the target, the absolute window and the selected drop', () => {
    const url = new URL(
      shareUrl('http://127.0.0.1:8080', { target: 'lab', from: FROM, to: TO, drop: 'abc' }),
    );
    expect(url.pathname).toBe('/');
    expect(url.searchParams.get('target')).toBe('lab');
    expect(url.searchParams.get('drop')).toBe('abc');
    expect(parseViewWindow(url.searchParams)).toEqual({ kind: 'fixed', from: FROM, to: TO });
  });
  it('leaves the drop out when none is selected', () => {
    const url = new URL(shareUrl('http://h', { target: 't3', from: FROM, to: TO, drop: null }));
    expect(url.searchParams.has('drop')).toBe(false);
  });
});

describe('liveTickMs', () => {
  it.each([
    [900_000, 1_000, 1_000],
    [86_400_000, 1_000, 86_400],
    [3_600_000, 0, 3_600_000],
  ])('span %d over %d px → every %d ms', (span, width, tick) => {
    expect(liveTickMs(span, width)).toBe(tick);
  });
});
