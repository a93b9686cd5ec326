import { describe, expect, it } from 'vitest';
import { effectiveTheme, toggledChoice } from './theme';

describe('theme', () => {
  it.each([
    ['auto', false, 'light'],
    ['auto', true, 'dark'],
    ['light', true, 'light'],
    ['dark', false, 'dark'],
  ] as const)('%s with system dark=%s → %s', (choice, systemDark, theme) => {
    expect(effectiveTheme(choice, systemDark)).toBe(theme);
  });
  it('the toggle picks the opposite of what is shown', () => {
    expect(toggledChoice('dark')).toBe('light');
    expect(toggledChoice('light')).toBe('dark');
  });
});
