// The target's Prometheus evidence under its legs, on the same time axis: one row per series with its line,
// its threshold (dashed), the time above it shaded, and, when Prometheus could not answer, why, in place.
import { formatValue } from '@hopwatch/shared/evidence';
import type { EvidenceSeries } from '@hopwatch/shared/protocol';
import { useMemo } from 'react';
import type { TimeScale } from '../../../lib/time-scale';
import type { QueryRange } from '../../../lib/view-window';
import { useEvidence } from '../api/get-evidence';
import { shapeEvidence } from '../evidence-shape';
import '../evidence.css';

export const EVIDENCE_HEIGHT = 46;

export interface EvidenceRowsProps {
  target: string;
  range: QueryRange;
  scale: TimeScale;
}

/** Nothing at all for a target without evidence series, so dashboards without Prometheus look as before. */
export function EvidenceRows({ target, range, scale }: EvidenceRowsProps) {
  const evidence = useEvidence(target, range);
  if (evidence.error) {
    return (
      <section className="evidence-rows" aria-label="evidence">
        <p className="error evidence-error" data-testid="evidence-error">
          evidence: {evidence.error.message}
        </p>
      </section>
    );
  }
  const series = evidence.data?.series ?? [];
  if (series.length === 0) return null;
  return (
    <section className="evidence-rows" aria-label="evidence" data-testid="evidence-rows">
      <h3 className="evidence-title">evidence from Prometheus</h3>
      {series.map((s) => (
        <EvidenceRow key={s.name} series={s} scale={scale} />
      ))}
    </section>
  );
}

function EvidenceRow({ series, scale }: { series: EvidenceSeries; scale: TimeScale }) {
  const shape = useMemo(() => shapeEvidence(series, scale, EVIDENCE_HEIGHT), [series, scale]);
  const high = shape.last !== null && shape.last > series.above;
  return (
    <div
      className="evidence-row"
      data-testid="evidence-row"
      data-evidence={series.name}
      data-above={shape.above.length > 0}
    >
      <div className="evidence-header">
        <div className="evidence-name" title={series.query}>
          {series.name}
        </div>
        <div className="evidence-meta">
          on <strong>{series.segment}</strong> · above {formatValue(series.above)}
          {shape.last !== null && (
            <>
              {' '}
              · last <span className={high ? 'evidence-high' : undefined}>{formatValue(shape.last)}</span>
            </>
          )}
        </div>
      </div>
      <div className="evidence-plot" style={{ width: scale.width }}>
        {series.error !== null ? (
          <p className="error evidence-error" data-testid="evidence-error">
            {series.error}
          </p>
        ) : (
          <svg
            width={scale.width}
            height={EVIDENCE_HEIGHT}
            role="img"
            aria-label={`${series.name} over time`}
          >
            {shape.above.map((span) => (
              <rect
                key={span.x}
                className="evidence-above"
                data-testid="evidence-above"
                x={span.x}
                y={0}
                width={span.width}
                height={EVIDENCE_HEIGHT}
              />
            ))}
            <line
              className="evidence-threshold"
              data-testid="evidence-threshold"
              x1={0}
              x2={scale.width}
              y1={shape.thresholdY}
              y2={shape.thresholdY}
            />
            <path className="evidence-line" d={shape.path} />
            {series.points.length === 0 && (
              <text className="evidence-empty" x={8} y={EVIDENCE_HEIGHT / 2 + 4}>
                no samples in this window
              </text>
            )}
          </svg>
        )}
      </div>
    </div>
  );
}
