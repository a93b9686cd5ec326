// A wall tile: one leg, readable from five metres: its state and since when, its recent RTT (sparkline) and
// sessions (strip) over the wall's window, how long since it last dropped, its drops and RTT p99. Long names
// and states are cut with an ellipsis, never pushed out of the tile.
import type { LegState, RttPoint } from '@hopwatch/shared/protocol';
import { useRef } from 'react';
import {
  type DropMarkView,
  SessionStrip,
  type StripSegmentView,
} from '../../../components/charts/session-strip';
import { formatAge, formatMs } from '../../../components/ui/format';
import { timeScale } from '../../../lib/time-scale';
import { useElementSize } from '../../../lib/use-element-size';
import { RttSparkline } from './rtt-sparkline';

export interface LegTileProps {
  leg: string;
  enters: string | null;
  state: LegState;
  since: number;
  now: number;
  /** the wall's window, shared by every tile */
  from: number;
  lastDropAt: number | null;
  drops: number;
  /** null while the series is still loading */
  rttP99Ms: number | null | undefined;
  rtt: { step: number; points: readonly RttPoint[] } | undefined;
  segments: readonly StripSegmentView[];
  dropMarks: readonly DropMarkView[];
  /** pixel heights scale with the screen (the sparkline's is a floor: it grows into the tile's room) */
  sparkHeight: number;
  stripHeight: number;
}

const NO_HIGHLIGHT: ReadonlySet<string> = new Set();
const ignore = () => {};

export function LegTile(props: LegTileProps) {
  const { now, from } = props;
  const plot = useRef<HTMLDivElement | null>(null);
  const { width, height } = useElementSize(plot, { width: 300, height: 80 });
  const scale = timeScale(from, now, width);
  // The sparkline takes what the tile has left after the strip; the layout's height is its floor.
  const sparkHeight = Math.max(props.sparkHeight, height - props.stripHeight - 4);
  return (
    <article
      className={`wall-tile wall-tile--${props.state}`}
      data-testid="wall-tile"
      data-leg={props.leg}
      data-state={props.state}
    >
      <header className="wall-tile-head">
        <span className="wall-leg" title={props.leg}>
          {props.leg}
        </span>
        {props.enters && <span className="wall-enters">enters {props.enters}</span>}
      </header>
      <div className="wall-state-line">
        <span className="wall-state" data-testid="wall-state">
          <span className="wall-state-glyph" aria-hidden="true">
            {props.state === 'up' ? '▲' : props.state === 'down' ? '▼' : '◆'}
          </span>
          {props.state.toUpperCase()}
        </span>
        <span className="wall-since">for {formatAge(now - props.since)}</span>
      </div>
      <div className="wall-plot" ref={plot}>
        {props.rtt ? (
          <RttSparkline
            points={props.rtt.points}
            step={props.rtt.step}
            from={from}
            to={now}
            width={width}
            height={sparkHeight}
            label={`${props.leg} round-trip time`}
          />
        ) : (
          <div className="wall-spark wall-spark--loading" style={{ height: sparkHeight }} />
        )}
        <SessionStrip
          scale={scale}
          segments={props.segments}
          drops={props.dropMarks}
          height={props.stripHeight}
          highlighted={NO_HIGHLIGHT}
          onDropHover={ignore}
          onDropSelect={ignore}
          interactive={false}
        />
      </div>
      <dl className="wall-figures">
        <div>
          <dt>last drop</dt>
          <dd>{props.lastDropAt === null ? 'none' : `${formatAge(now - props.lastDropAt)} ago`}</dd>
        </div>
        <div>
          <dt>drops</dt>
          <dd className={props.drops > 0 ? 'has-drops' : undefined} data-testid="wall-drops">
            {props.drops}
          </dd>
        </div>
        <div>
          <dt>RTT p99</dt>
          <dd>{props.rttP99Ms === undefined ? '…' : formatMs(props.rttP99Ms)}</dd>
        </div>
      </dl>
    </article>
  );
}
