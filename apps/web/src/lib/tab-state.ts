// What the browser tab says about the legs, so a background tab still tells someone a leg is down: the
// title (`▼ 1 down · lab — hopwatch`) and the favicon's colour. Pure; the hook that applies it is use-tab-state.
import type { LegState } from '@hopwatch/shared/protocol';

export interface TabTargetLegs {
  name: string;
  legs: readonly { state: LegState }[];
}

export type TabLevel = 'ok' | 'degraded' | 'down' | 'unknown';

export interface TabState {
  title: string;
  level: TabLevel;
}

const APP = 'hopwatch';

/**
 * Down legs come first in the title, by target; connecting legs count as degraded (no arrow). Titles stay
 * short: at most two targets are named, then "+N".
 */
export function tabState(targets: readonly TabTargetLegs[] | undefined, page?: string): TabState {
  const suffix = page ? `${page} — ${APP}` : APP;
  if (!targets) return { title: suffix, level: 'unknown' };
  const down = targets
    .map((t) => ({ name: t.name, count: t.legs.filter((l) => l.state === 'down').length }))
    .filter((t) => t.count > 0);
  const total = down.reduce((sum, t) => sum + t.count, 0);
  if (total > 0) {
    const names = down.map((t) => t.name);
    const shown =
      names.length > 2 ? `${names.slice(0, 2).join(', ')} +${names.length - 2}` : names.join(', ');
    return { title: `▼ ${total} down · ${shown} — ${suffix}`, level: 'down' };
  }
  const connecting = targets.some((t) => t.legs.some((l) => l.state === 'connecting'));
  return { title: suffix, level: connecting ? 'degraded' : 'ok' };
}

/** Okabe–Ito colours for the favicon dot: bluish green ok, orange degraded, vermillion down. */
export const TAB_COLORS: Record<TabLevel, string> = {
  ok: '#009E73',
  degraded: '#E69F00',
  down: '#D55E00',
  unknown: '#999999',
};

/** The favicon as a data URL: a dot, and for "down" a downward triangle so the shape says it too. */
export function faviconUrl(level: TabLevel): string {
  const fill = TAB_COLORS[level];
  const shape =
    level === 'down'
      ? `<path d='M1 3h14L8 15z' fill='${fill}'/>`
      : `<circle cx='8' cy='8' r='6' fill='${fill}'/>`;
  const svg = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>${shape}</svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
