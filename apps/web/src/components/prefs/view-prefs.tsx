// The header's two view switches: the zone every time on the page is shown in (labelled), and the theme.
import { useSyncExternalStore } from 'react';
import { themeChoice, toggledChoice } from '../../lib/prefs/theme';
import { useZoneMode, zoneLabel, zoneMode } from '../../lib/time-zone';

export function ZoneToggle({ now }: { now: number }) {
  const mode = useZoneMode();
  return (
    <button
      type="button"
      className="pref-toggle"
      data-testid="zone-toggle"
      aria-pressed={mode === 'utc'}
      title={mode === 'utc' ? 'times are in UTC: show them in your zone' : 'times are in your zone: show UTC'}
      onClick={() => zoneMode.set(mode === 'utc' ? 'local' : 'utc')}
    >
      <span className="visually-hidden">times in </span>
      {zoneLabel(mode, now)}
    </button>
  );
}

function shownTheme(): 'light' | 'dark' {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

function subscribeTheme(listener: () => void): () => void {
  const observer = new MutationObserver(listener);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}

export function ThemeToggle() {
  const shown = useSyncExternalStore(subscribeTheme, shownTheme, () => 'light' as const);
  return (
    <button
      type="button"
      className="pref-toggle"
      data-testid="theme-toggle"
      aria-label={shown === 'dark' ? 'switch to the light theme' : 'switch to the dark theme'}
      onClick={() => themeChoice.set(toggledChoice(shown))}
    >
      {shown === 'dark' ? '☀ light' : '☾ dark'}
    </button>
  );
}
