// Writes the legs' state into the tab: its title and favicon (lib/tab-state.ts), from the targets query that
// live events keep current.
import { useEffect } from 'react';
import { useTargets } from '../features/legs/api/get-targets';
import { faviconUrl, tabState } from '../lib/tab-state';

export function useTabState(): void {
  const targets = useTargets();
  const { title, level } = tabState(targets.data);
  useEffect(() => {
    document.title = title;
  }, [title]);
  useEffect(() => {
    let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (!link) {
      link = document.createElement('link');
      link.rel = 'icon';
      document.head.append(link);
    }
    link.href = faviconUrl(level);
    link.dataset.level = level;
  }, [level]);
}
