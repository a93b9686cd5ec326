// One target over one window: every leg on a shared time axis, and beside them the verdicts. The overview
// shows it for a live or absolute window; an incident shows it for the incident's window.
import type { TargetView, Verdict } from '@hopwatch/shared/protocol';
import { useQueries } from '@tanstack/react-query';
import { Fragment, useCallback, useMemo, useRef } from 'react';
import { TickGrid, TimeAxis } from '../../components/charts/time-axis';
import { ZoomBrush } from '../../components/charts/zoom-brush';
import { CauseLegend } from '../../components/ui/cause-legend';
import { EvidenceRows } from '../../features/evidence/components/evidence-rows';
import { VantageHeading } from '../../features/legs/components/vantage-heading';
import { groupByVantage } from '../../features/legs/vantage-groups';
import { rttQueryOptions } from '../../features/rtt/api/get-rtt';
import { useRttBandChart } from '../../features/rtt/components/rtt-band-chart-loader';
import { type SessionsPage, sessionsQueryOptions } from '../../features/timeline/api/get-sessions';
import { useDrops } from '../../features/verdicts/api/get-drops';
import { ReportDropForm } from '../../features/verdicts/components/report-drop-form';
import { VerdictsPanel } from '../../features/verdicts/components/verdicts-panel';
import { useLinkStale } from '../../lib/live/live-context';
import { timeScale, timeTicks } from '../../lib/time-scale';
import { offsetOf, useZoneMode, zoneLabel } from '../../lib/time-zone';
import { useElementWidth } from '../../lib/use-element-width';
import { useNow } from '../../lib/use-now';
import { liveTickMs, queryRangeOf, resolveWindow, type ViewWindow } from '../../lib/view-window';
import { fitLiveWindow } from '../../lib/zoom-window';
import { LegRow } from './leg-row';
import { useChartGate } from './use-chart-gate';

export interface TargetWindowProps {
  target: TargetView;
  window: ViewWindow;
  /** a session id or a verdict id (the URL's `drop`) */
  selectedDrop: string | null;
  onSelectDrop(drop: string | null): void;
  /** given: a drag across the time axis zooms (and a double-click resets) */
  zoom?: { onZoom(window: { from: number; to: number }): void; onReset(): void };
}

export function TargetWindow({ target, window, selectedDrop, onSelectDrop, zoom }: TargetWindowProps) {
  const plotRef = useRef<HTMLDivElement | null>(null);
  const width = useElementWidth(plotRef);
  const live = window.kind === 'live';
  const now = useNow(live ? liveTickMs(window.spanMs, width) : null);
  const stale = useLinkStale();
  const zone = useZoneMode();
  const range = useMemo(() => queryRangeOf(window), [window]);

  const sessionQueries = useQueries({
    queries: target.legs.map((leg) => sessionsQueryOptions(target.name, leg.name, range)),
  });
  // A live window longer than the history there is shows the history, not a squeezed right edge.
  const firstDataAt = live ? firstSessionAt(sessionQueries.map((q) => q.data)) : null;
  const { from, to } = fitLiveWindow(resolveWindow(window, now), firstDataAt);
  const scale = useMemo(() => timeScale(from, to, width), [from, to, width]);
  const ticks = useMemo(
    () => timeTicks(from, to, Math.max(2, Math.floor(width / 110)), (t) => offsetOf(zone, t)),
    [from, to, width, zone],
  );
  const rttQueries = useQueries({
    queries: target.legs.map((leg) => rttQueryOptions(target.name, leg.name, range)),
  });
  const drops = useDrops(target.name, range);
  // With several vantages sharing a store, each vantage's legs sit together under its name.
  const legGroups = useMemo(() => groupByVantage(target.legs), [target.legs]);
  const legOrder = useMemo(() => legGroups.flatMap((g) => g.legs.map(({ leg }) => leg.name)), [legGroups]);

  const selectedVerdict = useMemo(() => findVerdict(drops.data, selectedDrop), [drops.data, selectedDrop]);
  const highlighted = useMemo(
    () => new Set(selectedVerdict ? selectedVerdict.sessionIds : selectedDrop ? [selectedDrop] : []),
    [selectedVerdict, selectedDrop],
  );
  const selectSession = useCallback(
    (sessionId: string) => onSelectDrop(sessionId === selectedDrop ? null : sessionId),
    [onSelectDrop, selectedDrop],
  );

  // Drawn means the charts in view too: their code loads on its own (rtt-band-chart-loader.ts), and the
  // charts below the fold are drawn once the page is ready, in idle time or as they scroll into view
  // (chart-gate.ts).
  const chartModule = useRttBandChart();
  const dataReady =
    (chartModule.Chart !== null || chartModule.error !== null) &&
    sessionQueries.every((q) => q.data !== undefined || q.error) &&
    rttQueries.every((q) => q.data !== undefined || q.error) &&
    (drops.data !== undefined || drops.error !== null);
  const charts = useChartGate(legOrder, dataReady);
  const ready = dataReady && charts.placed;

  return (
    <div
      className={`target-window${live && stale ? ' is-stale' : ''}`}
      data-testid="target-window"
      data-ready={ready}
      data-charts={charts.complete ? 'all' : 'in-view'}
      data-from={from}
      data-to={to}
    >
      <section className="legs-panel" aria-label="legs" id="legs">
        <div className="axis-row">
          <div className="axis-spacer">
            <span className="axis-caption" data-testid="axis-zone">
              time ({zoneLabel(zone, to)})
            </span>
            {zoom && <span className="axis-hint">drag the axis to zoom</span>}
          </div>
          <div className="axis-plot" ref={plotRef}>
            {zoom ? (
              <ZoomBrush scale={scale} onZoom={zoom.onZoom} onReset={zoom.onReset}>
                <TimeAxis scale={scale} ticks={ticks} height={28} />
              </ZoomBrush>
            ) : (
              <TimeAxis scale={scale} ticks={ticks} />
            )}
          </div>
        </div>
        <div className="leg-rows">
          <svg className="leg-rows-grid" width={scale.width} height="100%" aria-hidden="true">
            <TickGrid scale={scale} ticks={ticks} height={4_000} />
          </svg>
          {legGroups.map((group) => (
            <Fragment key={group.vantage ?? ''}>
              {legGroups.length > 1 && <VantageHeading vantage={group.vantage} count={group.legs.length} />}
              {group.legs.map(({ leg, index }) => (
                <LegRow
                  key={leg.name}
                  target={target.name}
                  leg={leg}
                  range={range}
                  sessions={sessionQueries[index]?.data}
                  rtt={rttQueries[index]?.data}
                  error={sessionQueries[index]?.error ?? rttQueries[index]?.error ?? null}
                  scale={scale}
                  now={now}
                  live={live}
                  highlighted={highlighted}
                  selectedSessionId={selectedVerdict ? null : selectedDrop}
                  onSelectDrop={selectSession}
                  chartShown={charts.drawn.has(leg.name)}
                  watch={charts.watch}
                />
              ))}
            </Fragment>
          ))}
          <EvidenceRows target={target.name} range={range} scale={scale} />
        </div>
        <CauseLegend />
      </section>
      <aside className="side-panel" aria-label="verdicts">
        <h2 className="panel-title">Drops and verdicts</h2>
        <p className="panel-help">
          Each leg enters the path at a different hop. When legs drop, the suspects are the hops that every
          dropped leg crosses and no leg that stayed up does.
        </p>
        <VerdictsPanel
          verdicts={drops.data}
          loading={drops.isLoading}
          error={drops.error}
          segments={target.segments}
          legs={target.legs}
          selectedId={selectedVerdict?.id ?? null}
          onSelect={(verdict) => onSelectDrop(verdict.id === selectedVerdict?.id ? null : verdict.id)}
        />
        <ReportDropForm target={target.name} segments={target.segments} legs={target.legs} />
      </aside>
    </div>
  );
}

/**
 * When the oldest session in the window opened, if every leg's page is complete (not truncated); null when
 * nothing is known, so the window stays as asked.
 */
export function firstSessionAt(pages: readonly (SessionsPage | undefined)[]): number | null {
  let first: number | null = null;
  for (const page of pages) {
    if (!page || page.truncated) return null;
    for (const session of page.sessions)
      if (first === null || session.openedAt < first) first = session.openedAt;
  }
  return first;
}

/** The verdict the URL's `drop` names: by its own id, or as the verdict of a selected dropped session. */
export function findVerdict(verdicts: readonly Verdict[] | undefined, drop: string | null): Verdict | null {
  if (!verdicts || drop === null) return null;
  return verdicts.find((v) => v.id === drop) ?? verdicts.find((v) => v.sessionIds.includes(drop)) ?? null;
}
