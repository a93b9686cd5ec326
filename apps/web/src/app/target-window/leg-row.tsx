// One leg on the shared time axis: its header, its timeline strip of sessions and drops, and its RTT chart
// under it. Hovering a drop shows its details; clicking it selects it (and the verdict that explains it).
import type { LegView, RttResponse, Session } from '@hopwatch/shared/protocol';
import { memo, useCallback, useMemo, useState } from 'react';
import { type DropMarkView, SessionStrip } from '../../components/charts/session-strip';
import { LegHeader } from '../../features/legs/components/leg-header';
import { legWindowStats } from '../../features/legs/leg-stats';
import { LegOutageBands } from '../../features/outages/components/outage-band';
import { useRttBandChart } from '../../features/rtt/components/rtt-band-chart-loader';
import { useRttChart } from '../../features/rtt/use-rtt-chart';
import type { SessionsPage } from '../../features/timeline/api/get-sessions';
import { DropDetails } from '../../features/timeline/components/drop-details';
import { shapeTimeline, stateAt } from '../../features/timeline/timeline-shape';
import type { TimeScale } from '../../lib/time-scale';
import type { QueryRange } from '../../lib/view-window';

export const STRIP_HEIGHT = 26;
/** At least 80 px: ticks with units and the band's shape must read at 1080p. */
export const CHART_HEIGHT = 88;

export interface LegRowProps {
  target: string;
  leg: LegView;
  /** the window's query range, for the leg's outages */
  range: QueryRange;
  sessions: SessionsPage | undefined;
  rtt: RttResponse | undefined;
  error: Error | null;
  scale: TimeScale;
  now: number;
  /** the window reaches the present: show the live state */
  live: boolean;
  highlighted: ReadonlySet<string>;
  selectedSessionId: string | null;
  onSelectDrop(sessionId: string): void;
  /** whether the RTT chart is drawn yet: the page draws those in view first (chart-gate.ts) */
  chartShown: boolean;
  /** watches the row's element, to learn when it comes into view */
  watch(leg: string, element: Element | null): void;
}

export const LegRow = memo(function LegRow(props: LegRowProps) {
  const { leg, sessions, rtt, scale, now, live, highlighted, watch } = props;
  const [hovered, setHovered] = useState<{ drop: DropMarkView; x: number } | null>(null);
  const rowRef = useCallback((element: HTMLDivElement | null) => watch(leg.name, element), [watch, leg.name]);

  const strip = useMemo(
    () =>
      shapeTimeline({
        sessions: sessions?.sessions ?? [],
        from: scale.from,
        to: scale.to,
        now,
        current: live ? { state: leg.state, since: leg.since } : null,
        truncated: sessions?.truncated ?? false,
      }),
    [sessions, scale.from, scale.to, now, live, leg.state, leg.since],
  );
  // Live: heartbeats reach the chart on the window's tick (`now`), one redraw with the window's move.
  const chart = useRttChart(rtt, scale.to - scale.from, scale.width, live ? now : null);
  const { Chart, error: chartError } = useRttBandChart();
  const stats = useMemo(
    () => legWindowStats(strip, rtt?.points ?? [], Math.min(scale.to, now)),
    [strip, rtt, scale.to, now],
  );

  const state = live ? leg.state : (stateAt(strip, Math.min(scale.to, now)) ?? 'unknown');
  const shownId = hovered?.drop.sessionId ?? props.selectedSessionId;
  const shownSession = shownId ? sessions?.sessions.find((s) => s.id === shownId) : undefined;
  const shownX = hovered?.x ?? (shownSession?.closedAt != null ? scale.x(shownSession.closedAt) : 0);

  return (
    <div
      className="leg-row"
      data-testid="leg-row"
      data-leg={leg.name}
      data-state={state}
      data-chart={props.chartShown ? 'drawn' : 'deferred'}
      ref={rowRef}
    >
      <LegHeader leg={leg} state={state} since={live ? leg.since : null} now={now} stats={stats} />
      <div className="leg-plot" style={{ width: scale.width }}>
        {props.error ? (
          <p className="error leg-error">{props.error.message}</p>
        ) : (
          <>
            <SessionStrip
              scale={scale}
              segments={strip.segments}
              drops={strip.drops}
              height={STRIP_HEIGHT}
              highlighted={highlighted}
              onDropHover={(drop, x) => setHovered(drop ? { drop, x } : null)}
              onDropSelect={(drop) => props.onSelectDrop(drop.sessionId)}
            />
            <LegOutageBands
              target={props.target}
              leg={leg.name}
              range={props.range}
              scale={scale}
              now={now}
              height={STRIP_HEIGHT}
            />
            {Chart && props.chartShown ? (
              <Chart
                width={scale.width}
                height={CHART_HEIGHT}
                from={scale.from}
                to={scale.to}
                label={`${leg.name} round-trip time`}
                {...chart}
              />
            ) : (
              <div className="rtt-chart-pending" style={{ height: CHART_HEIGHT }}>
                {chartError && (
                  <p className="error">The RTT chart could not be loaded: {chartError.message}</p>
                )}
              </div>
            )}
            {!sessions && <span className="leg-loading">loading…</span>}
          </>
        )}
        {shownSession && <DropPopover session={shownSession} x={shownX} width={scale.width} />}
      </div>
    </div>
  );
});

function DropPopover({ session, x, width }: { session: Session; x: number; width: number }) {
  // Keep the popover inside the plot: open to the left of marks near the right edge.
  const left = x > width - 340 ? undefined : Math.max(0, x + 10);
  const right = left === undefined ? Math.max(0, width - x + 10) : undefined;
  return (
    <div className="drop-popover" style={{ left, right, top: STRIP_HEIGHT }}>
      <DropDetails session={session} />
    </div>
  );
}
