// A leg's outages over its timeline strip: each one continuous band with what it amounts to ("down 1m 12s,
// 6 attempts, last: 403"), however many retries it took. Reads its own query; the bands are shaped by
// outage-text.ts.
import type { TimeScale } from '../../../lib/time-scale';
import type { QueryRange } from '../../../lib/view-window';
import { useOutages } from '../api/get-outages';
import { outageBands } from '../outage-text';

export interface LegOutageBandsProps {
  target: string;
  leg: string;
  range: QueryRange;
  scale: TimeScale;
  now: number;
  height: number;
}

/** Narrower than this, a band shows its text on hover only. */
const LABEL_MIN_PX = 90;

export function LegOutageBands({ target, leg, range, scale, now, height }: LegOutageBandsProps) {
  const outages = useOutages(target, leg, range);
  const bands = outageBands(outages.data ?? [], scale.from, scale.to, now);
  return (
    <>
      {bands.map((band) => {
        const left = scale.x(band.from);
        const width = Math.max(2, scale.x(band.to) - left);
        return (
          <div
            key={band.from}
            className={`outage-band${band.open ? ' outage-band--open' : ''}`}
            data-testid="outage-band"
            data-open={band.open}
            style={{ left, width, height }}
            title={band.label}
            role="note"
            aria-label={band.label}
          >
            {width >= LABEL_MIN_PX && <span className="outage-band-label">{band.label}</span>}
          </div>
        );
      })}
    </>
  );
}
