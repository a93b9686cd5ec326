// A wall tile: one leg, readable from five metres: its state, how long since it last dropped, how many
// drops in the last hour, and its RTT p99.
import type { LegState } from '@hopwatch/shared/protocol';
import { formatAge, formatMs } from '../../../components/ui/format';

export interface LegTileProps {
  leg: string;
  enters: string | null;
  state: LegState;
  since: number;
  now: number;
  lastDropAt: number | null;
  dropsLastHour: number;
  rttP99Ms: number | null;
}

export function LegTile(props: LegTileProps) {
  const { now } = props;
  return (
    <article
      className={`wall-tile wall-tile--${props.state}`}
      data-testid="wall-tile"
      data-leg={props.leg}
      data-state={props.state}
    >
      <header className="wall-tile-head">
        <span className="wall-leg">{props.leg}</span>
        {props.enters && <span className="wall-enters">enters {props.enters}</span>}
      </header>
      <div className="wall-state">{props.state.toUpperCase()}</div>
      <div className="wall-since">for {formatAge(now - props.since)}</div>
      <dl className="wall-figures">
        <div>
          <dt>last drop</dt>
          <dd>{props.lastDropAt === null ? 'none' : `${formatAge(now - props.lastDropAt)} ago`}</dd>
        </div>
        <div>
          <dt>drops 1 h</dt>
          <dd className={props.dropsLastHour > 0 ? 'has-drops' : undefined}>{props.dropsLastHour}</dd>
        </div>
        <div>
          <dt>RTT p99</dt>
          <dd>{formatMs(props.rttP99Ms)}</dd>
        </div>
      </dl>
    </article>
  );
}
