// The RTT minutes this instance is still collecting, per leg, until each is rolled up (its minute is over plus
// a grace for late lost heartbeats). Raw samples are written every flush; memory only spares reading them
// back to compute the rollup. A minute that may have samples this process did not see (the first minute it
// sees of a leg, one found after a crash, one that already has a rollup) is `partial`: its rollup is computed
// from the stored rows instead.
import type { RttObservation } from '@hopwatch/shared/series';
import { bucketStart, RTT_ROLLUP_MS } from '@hopwatch/shared/series';

export interface OpenMinute {
  target: string;
  leg: string;
  minute: number;
  samples: RttObservation[];
  partial: boolean;
}

export class RollupMinutes {
  /** legKey → minute → samples */
  readonly #open = new Map<string, Map<number, OpenMinute>>();
  /** legKey → newest minute rolled up by this process */
  readonly #newestRolled = new Map<string, number>();

  add(target: string, leg: string, sample: RttObservation): void {
    const key = legKey(target, leg);
    const minute = bucketStart(sample.ts, RTT_ROLLUP_MS);
    let minutes = this.#open.get(key);
    const firstSeen = minutes === undefined && !this.#newestRolled.has(key);
    if (!minutes) {
      minutes = new Map();
      this.#open.set(key, minutes);
    }
    let open = minutes.get(minute);
    if (!open) {
      const rolled = this.#newestRolled.get(key);
      open = {
        target,
        leg,
        minute,
        samples: [],
        partial: firstSeen || (rolled !== undefined && minute <= rolled),
      };
      minutes.set(minute, open);
    }
    open.samples.push(sample);
  }

  /** A minute found stored without a rollup (a crashed run's); rolled up from the stored rows. */
  addRecovered(target: string, leg: string, minute: number): void {
    const key = legKey(target, leg);
    let minutes = this.#open.get(key);
    if (!minutes) {
      minutes = new Map();
      this.#open.set(key, minutes);
    }
    if (!minutes.has(minute)) minutes.set(minute, { target, leg, minute, samples: [], partial: true });
  }

  /** Minutes starting at or before `dueBefore`, at most `max`, oldest first. */
  due(dueBefore: number, max: number): OpenMinute[] {
    const due: OpenMinute[] = [];
    for (const minutes of this.#open.values()) {
      for (const open of minutes.values()) if (open.minute <= dueBefore) due.push(open);
    }
    return due.sort((a, b) => a.minute - b.minute).slice(0, max);
  }

  hasDue(dueBefore: number): boolean {
    for (const minutes of this.#open.values()) {
      for (const minute of minutes.keys()) if (minute <= dueBefore) return true;
    }
    return false;
  }

  /** The rollups of these minutes are committed: forget them. */
  rolled(minutes: readonly OpenMinute[]): void {
    for (const open of minutes) {
      const key = legKey(open.target, open.leg);
      const byMinute = this.#open.get(key);
      if (byMinute?.get(open.minute) === open) byMinute.delete(open.minute);
      if (byMinute?.size === 0) this.#open.delete(key);
      this.#newestRolled.set(key, Math.max(open.minute, this.#newestRolled.get(key) ?? open.minute));
    }
  }
}

function legKey(target: string, leg: string): string {
  return `${target}\u0000${leg}`;
}
