// The one time axis every row of a view shares: the same [from, to] mapped onto the same width, so a drop on
// one leg lines up with the drop on the next and with the RTT spike beneath it.
import { STEP_LADDER } from '@hopwatch/shared/series';
import { type WallClock, wallClock } from '@hopwatch/shared/time';

export interface TimeScale {
  from: number;
  to: number;
  width: number;
  /** pixels from the left edge; times outside the window land outside [0, width] */
  x(t: number): number;
  /** the time at a pixel */
  t(x: number): number;
}

export function timeScale(from: number, to: number, width: number): TimeScale {
  const span = Math.max(1, to - from);
  const w = Math.max(0, width);
  return {
    from,
    to,
    width: w,
    x: (t) => ((t - from) / span) * w,
    t: (x) => from + (x / Math.max(1, w)) * span,
  };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Tick steps: the series' 1-2-5 ladder from one second up, so ticks fall on bucket boundaries. */
const TICK_STEPS = STEP_LADDER.filter((step) => step >= 1_000);

export interface TimeTick {
  t: number;
  label: string;
}

/**
 * Round ticks across [from, to] in a zone `offsetOf(t)` minutes east of UTC (default: the machine's own), at
 * most `maxTicks` of them. Labels say seconds only when the step needs them, and the date where a tick
 * crosses midnight (or for day steps).
 */
export function timeTicks(
  from: number,
  to: number,
  maxTicks: number,
  offsetOf: (t: number) => number = (t) => -new Date(t).getTimezoneOffset(),
): TimeTick[] {
  if (!(to > from) || maxTicks < 1) return [];
  const step =
    TICK_STEPS.find((s) => (to - from) / s <= maxTicks) ?? DAY * Math.ceil((to - from) / DAY / maxTicks);
  const offset = -offsetOf(from) * MINUTE;
  // Align to the zone's time, so hour ticks fall on :00 wherever the viewer is.
  let t = Math.ceil((from - offset) / step) * step + offset;
  const ticks: TimeTick[] = [];
  let lastDay = -1;
  for (; t <= to; t += step) {
    const date = wallClock(t, offsetOf(t));
    const day = date.day;
    const showDate =
      step >= DAY || (lastDay !== -1 && day !== lastDay) || (lastDay === -1 && step >= 6 * HOUR);
    lastDay = day;
    ticks.push({ t, label: tickLabel(date, step, showDate) });
  }
  return ticks;
}

function tickLabel(date: WallClock, step: number, showDate: boolean): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const time =
    step < MINUTE
      ? `${pad(date.hour)}:${pad(date.minute)}:${pad(date.second)}`
      : `${pad(date.hour)}:${pad(date.minute)}`;
  if (!showDate) return time;
  const dateText = `${date.year}-${pad(date.month)}-${pad(date.day)}`;
  return step >= DAY ? dateText : `${dateText} ${time}`;
}
