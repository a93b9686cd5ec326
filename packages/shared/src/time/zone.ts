// Wall-clock times in one named zone: the viewer's own or UTC. A page shows every time in one zone and says
// which (`UTC+01:00`), so a note written in one zone and read in another still matches the screen.

/** A zone as an offset from UTC in minutes (east positive: Paris in winter is +60). */
export type ZoneOffset = number;

/** `UTC+01:00`, `UTC-03:30`, `UTC+00:00`: the label every time on a page carries. */
export function zoneOffsetLabel(offsetMinutes: ZoneOffset): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(offsetMinutes));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The calendar date and clock time an instant reads as in a zone `offsetMinutes` east of UTC. */
export function wallClock(ms: number, offsetMinutes: ZoneOffset): WallClock {
  const d = new Date(ms + offsetMinutes * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `HH:MM:SS` in the zone. */
export function formatZoneClock(ms: number, offsetMinutes: ZoneOffset): string {
  const c = wallClock(ms, offsetMinutes);
  return `${pad2(c.hour)}:${pad2(c.minute)}:${pad2(c.second)}`;
}

/** `YYYY-MM-DD HH:MM:SS` in the zone. */
export function formatZoneDateTime(ms: number, offsetMinutes: ZoneOffset): string {
  const c = wallClock(ms, offsetMinutes);
  return `${c.year}-${pad2(c.month)}-${pad2(c.day)} ${formatZoneClock(ms, offsetMinutes)}`;
}
