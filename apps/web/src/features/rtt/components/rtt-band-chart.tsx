// SmokePing-style RTT on the shared time axis, drawn with recharts: min–max spread (lightest), min–p99
// spread (both drawn on recharts' scales by rtt-band-path.ts, not by <Area>: see Bands), the median line, y ticks with units, lost heartbeats as ticks rising from the bottom, buckets above
// the (robust) scale as carets at the top, suspect (prober-stall) buckets greyed, and a readout of the bucket
// under the pointer (or under the keyboard: recharts' accessibility layer moves it with the arrow keys). Presentational: the rows come from features/rtt/rtt-shape.ts.
// The x axis is numeric time over exactly [from, to] with no margins, so it lines up with the session strip
// and the time axis above it; recharts' own x axis is hidden because the shared time axis draws the ticks.
import { memo, useMemo } from 'react';
import {
  ComposedChart,
  DefaultZIndexes,
  Line,
  Tooltip,
  type TooltipContentProps,
  usePlotArea,
  useXAxisScale,
  useYAxisScale,
  XAxis,
  YAxis,
  ZIndexLayer,
} from 'recharts';
import { formatMs } from '../../../components/ui/format';
import { formatClock } from '../../../lib/live/live-link';
import { bandPath } from '../rtt-band-path';
import { formatRttTick } from '../rtt-scale';
import type { RttChartRow, RttChartShape } from '../rtt-shape';

export interface RttBandChartProps extends RttChartShape {
  width: number;
  height: number;
  /** the shared time axis' window, epoch ms */
  from: number;
  to: number;
  /** what the chart is of, for screen readers and the keyboard readout (e.g. "edge round-trip time") */
  label?: string;
}

const NO_MARGIN = { top: 0, right: 0, bottom: 0, left: 0 };
/**
 * The median: straight segments, a gap wherever a row is null, no dots and no animation (ten charts of
 * up to a point per pixel column each on one page).
 */
const STATIC_SERIES = {
  type: 'linear',
  connectNulls: false,
  dot: false,
  activeDot: false,
  isAnimationActive: false,
} as const;
/**
 * Over the bands and the median, translucent: the samples there are greyed, still readable, as "not
 * evidence against the path" (taken while hopwatch itself stalled).
 */
const SUSPECT_Z = DefaultZIndexes.line + 10;
/** Above the median line, so a loss is never hidden by the bands. */
const LOST_Z = DefaultZIndexes.line + 50;
const LOST_TICK_PX = 6;
/** The caret drawn at the top over a bucket whose p99 lies above the axis top. */
const CLIP_CARET = 'l-3.5 5h7Z';

export const RttBandChart = memo(function RttBandChart(props: RttBandChartProps) {
  const { width, height, from, to, yMax, yTicks, rows, step } = props;
  return (
    <ComposedChart
      className="rtt-chart"
      width={width}
      height={height}
      data={rows}
      margin={NO_MARGIN}
      title={props.label ?? 'round-trip time'}
      desc="Arrow keys move the readout along the chart."
    >
      <Grid yTicks={yTicks} />
      <XAxis dataKey="t" type="number" scale="time" domain={[from, to]} allowDataOverflow hide />
      <YAxis type="number" domain={[0, yMax]} allowDataOverflow hide />
      <Bands rows={rows} />
      <Line className="rtt-median" dataKey="p50" {...STATIC_SERIES} />
      <Marks lost={props.lost} suspect={props.suspect} clipped={props.clipped} />
      <YTicks yTicks={yTicks} />
      <Tooltip
        content={(tooltip: TooltipContentProps) => (
          <Readout tooltip={tooltip} rows={rows} step={step} yMax={yMax} />
        )}
        cursor={{ className: 'rtt-cursor' }}
        // Rows where the line breaks still have something to say (lost heartbeats, or no samples at all).
        filterNull={false}
        isAnimationActive={false}
        wrapperStyle={{ zIndex: 4 }}
        offset={14}
      />
    </ComposedChart>
  );
});

/**
 * Horizontal lines at the y ticks. recharts' CartesianGrid is not used: it works out the x axis' ticks even
 * with vertical lines off, measuring tick labels in the DOM, which was a quarter of the overview's load time.
 */
function Grid({ yTicks }: { yTicks: readonly number[] }) {
  const y = useYAxisScale();
  const plot = usePlotArea();
  if (!y || !plot) return null;
  let d = '';
  for (const tick of yTicks) {
    const at = y(tick);
    if (at !== undefined) d += `M${plot.x} ${at.toFixed(1)}h${plot.width}`;
  }
  return (
    <ZIndexLayer zIndex={DefaultZIndexes.grid}>
      <path className="rtt-grid" d={d} />
    </ZIndexLayer>
  );
}

/**
 * The min–max and min–p99 spreads, under the median as recharts would layer areas. Drawn here from the rows
 * on the chart's scales: recharts' range <Area> copied every point into a new object and ran its selectors
 * per series, which was most of a ten-leg page's load time. The median stays a recharts <Line>: the readout
 * (Tooltip and its keyboard layer) shows only while a series has a payload at the active index.
 */
function Bands({ rows }: { rows: readonly RttChartRow[] }) {
  const x = useXAxisScale();
  const y = useYAxisScale();
  const paths = useMemo(
    () =>
      x && y ? { range: bandPath(rows, 'rangeBand', x, y), p99: bandPath(rows, 'p99Band', x, y) } : null,
    [rows, x, y],
  );
  if (!paths) return null;
  return (
    <ZIndexLayer zIndex={DefaultZIndexes.area}>
      <g className="rtt-bands" data-testid="rtt-bands">
        <path className="rtt-range" d={paths.range} />
        <path className="rtt-p99" d={paths.p99} />
      </g>
    </ZIndexLayer>
  );
}

/**
 * Lost heartbeats and suspect buckets as one path each, not an element per mark: a day can hold hundreds
 * of them per leg, and ten legs share the page.
 */
function Marks({ lost, suspect, clipped }: Pick<RttChartShape, 'lost' | 'suspect' | 'clipped'>) {
  const x = useXAxisScale();
  const plot = usePlotArea();
  if (!x || !plot) return null;
  let suspectPath = '';
  for (const run of suspect) {
    const x0 = x(run.from) ?? 0;
    const x1 = Math.max(x(run.to) ?? 0, x0 + 1);
    suspectPath += `M${x0.toFixed(1)} ${plot.y}H${x1.toFixed(1)}V${plot.y + plot.height}H${x0.toFixed(1)}Z`;
  }
  // Lost heartbeats rise from the bottom edge; clipped buckets point up from the top: two places, two shapes.
  let lostPath = '';
  const bottom = plot.y + plot.height;
  for (const mark of lost) {
    const at = x(mark.t);
    if (at === undefined) continue;
    lostPath += `M${(at - 1).toFixed(1)} ${bottom}h2v-${LOST_TICK_PX}h-2Z`;
  }
  let clippedPath = '';
  let lastCaret = Number.NEGATIVE_INFINITY;
  for (const mark of clipped) {
    const at = x(mark.t);
    // One caret per few pixels is enough to say "above the scale here".
    if (at === undefined || at - lastCaret < 4) continue;
    lastCaret = at;
    clippedPath += `M${at.toFixed(1)} ${plot.y}${CLIP_CARET}`;
  }
  return (
    <>
      <ZIndexLayer zIndex={SUSPECT_Z}>
        {suspectPath && <path className="rtt-suspect" d={suspectPath} />}
      </ZIndexLayer>
      <ZIndexLayer zIndex={LOST_Z}>
        {lostPath && <path className="rtt-lost" d={lostPath} data-testid="rtt-lost" />}
        {clippedPath && <path className="rtt-clipped" d={clippedPath} data-testid="rtt-clipped" />}
      </ZIndexLayer>
    </>
  );
}

/** The bucket under the pointer, in words: what the bands and marks at that x stand for. */
function Readout({
  tooltip,
  rows,
  step,
  yMax,
}: {
  tooltip: TooltipContentProps;
  rows: readonly RttChartRow[];
  step: number;
  yMax: number;
}) {
  if (!tooltip.active || tooltip.activeIndex == null) return null;
  const row = rows[Number(tooltip.activeIndex)];
  if (!row) return null;
  const bucket = row.bucket;
  if (!bucket) {
    return (
      <div className="rtt-readout">
        <span className="rtt-readout-empty">
          no samples here: the leg was not up (or hopwatch was not running)
        </span>
      </div>
    );
  }
  return (
    <div className="rtt-readout" data-testid="rtt-readout">
      <div className="rtt-readout-time">
        {formatClock(bucket.t)}
        {step >= 2_000 && ` – ${formatClock(bucket.t + step)}`}
      </div>
      {bucket.n > 0 ? (
        <dl>
          <dt>median</dt>
          <dd>{formatMs(bucket.p50)}</dd>
          <dt>p99</dt>
          <dd>{formatMs(bucket.p99)}</dd>
          <dt>min–max</dt>
          <dd>
            {formatMs(bucket.min)} – {formatMs(bucket.max)}
          </dd>
          <dt>answered</dt>
          <dd>{bucket.n}</dd>
        </dl>
      ) : (
        <span className="rtt-readout-empty">no heartbeat answered</span>
      )}
      {bucket.p99 !== null && bucket.p99 > yMax && (
        <div className="rtt-readout-clipped">{`above the scale (${formatRttTick(yMax)}): drawn clipped`}</div>
      )}
      {bucket.lost > 0 && (
        <div className="rtt-readout-lost">{`${bucket.lost} heartbeat${bucket.lost === 1 ? '' : 's'} lost`}</div>
      )}
      {bucket.suspect > 0 && (
        <div className="rtt-readout-suspect">
          {`${bucket.suspect} sample${bucket.suspect === 1 ? '' : 's'} taken while hopwatch itself stalled: not evidence against the path`}
        </div>
      )}
    </div>
  );
}

/** The y ticks' labels with their units, at the left edge over a halo so the bands stay readable. */
function YTicks({ yTicks }: { yTicks: readonly number[] }) {
  const y = useYAxisScale();
  const plot = usePlotArea();
  if (!y || !plot) return null;
  return (
    <ZIndexLayer zIndex={DefaultZIndexes.label}>
      <g className="rtt-y-ticks" data-testid="rtt-y-ticks">
        {yTicks.map((tick, index) => {
          const at = y(tick);
          if (at === undefined) return null;
          // The top label hangs below its line, the bottom one sits above it, the middle is centred.
          const baseline = index === yTicks.length - 1 ? at + 10 : index === 0 ? at - 2 : at + 3.5;
          return (
            <text key={tick} className="rtt-axis-label" x={plot.x + 3} y={baseline}>
              {formatRttTick(tick)}
            </text>
          );
        })}
      </g>
    </ZIndexLayer>
  );
}
