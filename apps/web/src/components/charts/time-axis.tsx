// The shared time axis drawn once above the rows; every row uses the same scale.
import type { TimeScale, TimeTick } from '../../lib/time-scale';

export function TimeAxis({
  scale,
  ticks,
  height = 22,
}: {
  scale: TimeScale;
  ticks: TimeTick[];
  height?: number;
}) {
  return (
    <svg className="time-axis" width={scale.width} height={height} role="img" aria-label="time axis">
      {ticks.map((tick) => {
        const x = scale.x(tick.t);
        return (
          <g key={tick.t} transform={`translate(${x.toFixed(1)},0)`}>
            <line y1={height - 5} y2={height} />
            <text y={height - 8} textAnchor={x < 30 ? 'start' : x > scale.width - 30 ? 'end' : 'middle'}>
              {tick.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Faint vertical lines at the axis ticks, drawn behind a row's strip and chart. */
export function TickGrid({ scale, ticks, height }: { scale: TimeScale; ticks: TimeTick[]; height: number }) {
  return (
    <g className="tick-grid">
      {ticks.map((tick) => {
        const x = scale.x(tick.t).toFixed(1);
        return <line key={tick.t} x1={x} x2={x} y1={0} y2={height} />;
      })}
    </g>
  );
}
