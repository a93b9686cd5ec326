// Light or dark: the system's choice (prefers-color-scheme) unless the viewer picked one, remembered. The
// effective theme is written to <html data-theme> before the first paint, and again when either changes.
import { storedPref } from './stored-pref';

export type ThemeChoice = 'auto' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const themeChoice = storedPref<ThemeChoice>('hopwatch.theme', ['auto', 'light', 'dark'], 'auto');

const DARK_QUERY = '(prefers-color-scheme: dark)';

export function effectiveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  if (choice === 'auto') return systemDark ? 'dark' : 'light';
  return choice;
}

/** The choice a toggle click makes: to the opposite of what is shown (then it is remembered). */
export function toggledChoice(shown: Theme): ThemeChoice {
  return shown === 'dark' ? 'light' : 'dark';
}

/** Keeps <html data-theme> in step with the choice and the system; returns the undo. */
export function applyTheme(root: HTMLElement = document.documentElement): () => void {
  const media = globalThis.matchMedia?.(DARK_QUERY);
  const apply = () => {
    root.dataset.theme = effectiveTheme(themeChoice.get(), media?.matches ?? false);
  };
  apply();
  const unsubscribe = themeChoice.subscribe(apply);
  media?.addEventListener('change', apply);
  return () => {
    unsubscribe();
    media?.removeEventListener('change', apply);
  };
}
