// SmokePing-style RTT on the shared time axis: min–max spread (lightest), min–p99 spread, the median line,
// lost heartbeats as red ticks on top, suspect (prober-stall) buckets greyed. Presentational: the paths come
// from features/rtt/rtt-shape.ts.
import { memo } from 'react';

export interface RttBandChartProps {
  width: number;
  height: number;
  yMax: number;
  yTicks: readonly number[];
  medianPath: string;
  p99Band: string;
  rangeBand: string;
  lost: readonly { x: number; count: number }[];
  suspect: readonly { x: number; width: number }[];
}

export const RttBandChart = memo(function RttBandChart(props: RttBandChartProps) {
  const { width, height, yMax, yTicks } = props;
  return (
    <svg className="rtt-chart" width={width} height={height} role="img" aria-label="round-trip time">
      {yTicks.map((tick) => {
        const y = (height - (tick / yMax) * height).toFixed(1);
        return <line key={tick} className="rtt-grid" x1={0} x2={width} y1={y} y2={y} />;
      })}
      {props.suspect.map((column) => (
        <rect key={column.x} className="rtt-suspect" x={column.x} y={0} width={column.width} height={height}>
          <title>samples taken while hopwatch itself stalled: not evidence against the path</title>
        </rect>
      ))}
      <path className="rtt-range" d={props.rangeBand} />
      <path className="rtt-p99" d={props.p99Band} />
      <path className="rtt-median" d={props.medianPath} />
      {props.lost.map((mark) => (
        <rect key={mark.x} className="rtt-lost" x={mark.x - 1} y={0} width={2} height={4}>
          <title>{`${mark.count} heartbeat${mark.count === 1 ? '' : 's'} lost`}</title>
        </rect>
      ))}
      <text className="rtt-axis-label" x={width - 4} y={10} textAnchor="end">
        {formatAxis(yMax)}
      </text>
    </svg>
  );
});

function formatAxis(ms: number): string {
  return ms >= 1_000 ? `${ms / 1_000} s` : `${ms} ms`;
}
