// Evidence lines come from the server with UTC clock times ("at 12:00:01.250Z"); a page shows one zone, so
// those times are rewritten into it. Pure: the date comes from a nearby instant (the verdict's time).
import { formatZoneClock } from '@hopwatch/shared/time';

const UTC_CLOCK = /\b(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?Z\b/g;
const DAY = 86_400_000;

/**
 * `text` with every `HH:MM:SS(.mmm)Z` replaced by the same instant in a zone `offsetOf(t)` minutes east of UTC;
 * the instant is taken on the UTC day that puts it nearest `near`. Text without such times is returned as is.
 */
export function zoneClockTimes(text: string, near: number, offsetOf: (t: number) => number): string {
  return text.replace(UTC_CLOCK, (match, h: string, m: string, s: string, ms: string | undefined) => {
    const day = Math.floor(near / DAY) * DAY;
    let t = day + ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1_000 + Number(ms ?? 0);
    if (t - near > DAY / 2) t -= DAY;
    else if (near - t > DAY / 2) t += DAY;
    const offset = offsetOf(t);
    if (offset === 0) return match;
    const clock = formatZoneClock(t, offset);
    return ms === undefined ? clock : `${clock}.${ms}`;
  });
}
