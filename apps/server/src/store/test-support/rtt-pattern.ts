// A deterministic minute of heartbeats for RTT tests, and the exact statistics each minute must show.
import type { RttPoint } from '@hopwatch/shared/protocol';
import { summarize } from '@hopwatch/shared/series';

export const MINUTE = 60_000;

/** A deterministic RTT for heartbeat i: mostly 10-19 ms, every 97th 250 ms, every 50th lost. */
export function rttOf(i: number): number | null {
  if (i % 50 === 49) return null;
  return i % 97 === 0 ? 250 : 10 + (i % 10);
}

/** The rollup of `minute` when `count` heartbeats were sent one a second from `from`. */
export function expectedMinute(minute: number, from: number, count: number): RttPoint {
  const samples = [];
  for (let i = 0; i < count; i += 1) {
    const ts = from + i * 1_000;
    if (ts >= minute && ts < minute + MINUTE) samples.push({ ts, rttMs: rttOf(i), suspect: false });
  }
  return summarize(minute, samples);
}
