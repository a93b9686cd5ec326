// Keyboard shortcuts for the window: 1–4 pick the live ranges (15m, 1h, 6h, 24h), 0 resets a zoom. Not
// while typing in a field, and not with a modifier (the browser's own shortcuts stay the browser's).
import { useEffect } from 'react';
import type { LiveRangeKey } from '../../lib/view-window';
import { rangeForKey } from '../../lib/zoom-window';

export function useRangeKeys(onRange: (range: LiveRangeKey) => void, onReset: () => void): void {
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, select, textarea, [contenteditable="true"]')) return;
      if (event.key === '0') {
        onReset();
        return;
      }
      const range = rangeForKey(event.key);
      if (range) onRange(range);
    }
    globalThis.addEventListener('keydown', onKey);
    return () => globalThis.removeEventListener('keydown', onKey);
  }, [onRange, onReset]);
}
