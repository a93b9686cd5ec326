// The one zone a page shows its times in: the viewer's own (the default) or UTC, remembered across visits.
// Every formatter reads it here, so a page never mixes zones; the header says which one is on.
import { formatZoneClock, formatZoneDateTime, zoneOffsetLabel } from '@hopwatch/shared/time';
import { storedPref, usePref } from './prefs/stored-pref';

export type ZoneMode = 'local' | 'utc';

export const zoneMode = storedPref<ZoneMode>('hopwatch.zone', ['local', 'utc'], 'local');

export function useZoneMode(): ZoneMode {
  return usePref(zoneMode);
}

/** Minutes east of UTC at `ms` in a zone mode (the local offset changes with daylight saving). */
export function offsetOf(mode: ZoneMode, ms: number): number {
  return mode === 'utc' ? 0 : -new Date(ms).getTimezoneOffset();
}

/** The label the page's times carry: `UTC+01:00` for the viewer's zone, `UTC` when UTC is chosen. */
export function zoneLabel(mode: ZoneMode, ms: number): string {
  return mode === 'utc' ? 'UTC' : zoneOffsetLabel(offsetOf(mode, ms));
}

export function clockIn(mode: ZoneMode, ms: number): string {
  return formatZoneClock(ms, offsetOf(mode, ms));
}

export function dateTimeIn(mode: ZoneMode, ms: number): string {
  return formatZoneDateTime(ms, offsetOf(mode, ms));
}
