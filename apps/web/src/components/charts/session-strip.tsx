// A leg's sessions on the shared time axis: up / connecting / down stretches and a mark per drop coloured by
// cause. Presentational: the stretches and marks come from features/timeline/timeline-shape.ts.
import type { Cause } from '@hopwatch/shared/protocol';
import { type MouseEvent, useMemo } from 'react';
import type { TimeScale } from '../../lib/time-scale';
import { CAUSE_GLYPHS, CAUSE_LABELS, causeColor } from '../ui/causes';
import { nearestIndex } from './nearest';

export interface StripSegmentView {
  from: number;
  to: number;
  state: string;
}

export interface DropMarkView {
  sessionId: string;
  at: number;
  cause: Cause;
  suspect: boolean;
  attempt: boolean;
}

export interface SessionStripProps {
  scale: TimeScale;
  segments: readonly StripSegmentView[];
  drops: readonly DropMarkView[];
  height: number;
  /** session ids to ring, e.g. the drops of the selected verdict */
  highlighted: ReadonlySet<string>;
  onDropHover(drop: DropMarkView | null, x: number): void;
  onDropSelect(drop: DropMarkView): void;
  /** false: the marks are a picture only (the wall), not buttons */
  interactive?: boolean;
}

/** How close (px) the pointer must be to a drop mark to pick it. */
const PICK_PX = 6;

export function SessionStrip({
  scale,
  segments,
  drops,
  height,
  highlighted,
  onDropHover,
  onDropSelect,
  interactive = true,
}: SessionStripProps) {
  const barY = 6;
  const barHeight = height - 12;
  const xs = useMemo(() => drops.map((drop) => scale.x(drop.at)), [drops, scale]);
  const pick = (event: MouseEvent<SVGSVGElement>) => {
    const x = event.clientX - event.currentTarget.getBoundingClientRect().left;
    const index = nearestIndex(xs, x, PICK_PX);
    return { drop: index === -1 ? null : (drops[index] ?? null), x };
  };
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: keyboard users select the focusable marks themselves (Enter)
    <svg
      className="session-strip"
      width={scale.width}
      height={height}
      // A group, not an image: it holds the drop marks, which are buttons.
      role={interactive ? 'group' : 'img'}
      aria-label="sessions"
      onMouseMove={(event) => {
        const { drop, x } = pick(event);
        onDropHover(drop, drop ? scale.x(drop.at) : x);
      }}
      onMouseLeave={() => onDropHover(null, 0)}
      onClick={(event) => {
        const { drop } = pick(event);
        if (drop) onDropSelect(drop);
      }}
    >
      <defs>
        <pattern
          id="strip-unknown"
          width="6"
          height="6"
          patternUnits="userSpaceOnUse"
          patternTransform="rotate(45)"
        >
          <rect width="6" height="6" className="strip-unknown-bg" />
          <line x1="0" y1="0" x2="0" y2="6" className="strip-unknown-line" />
        </pattern>
      </defs>
      {segments.map((segment) => {
        const x = scale.x(segment.from);
        const width = Math.max(1, scale.x(segment.to) - x);
        return (
          <rect
            key={`${segment.from}-${segment.state}`}
            className={`strip strip--${segment.state}`}
            x={x.toFixed(1)}
            y={barY}
            width={width.toFixed(1)}
            height={barHeight}
          />
        );
      })}
      {drops.map((drop) => {
        const x = scale.x(drop.at);
        const ringed = highlighted.has(drop.sessionId);
        return (
          // biome-ignore lint/a11y/noStaticElementInteractions: an SVG mark cannot be a <button>; where interactive it is role=button with focus and keys
          <g
            key={drop.sessionId}
            className={`drop-mark${drop.suspect ? ' drop-mark--suspect' : ''}${ringed ? ' drop-mark--selected' : ''}`}
            transform={`translate(${x.toFixed(1)},0)`}
            data-testid="drop-mark"
            data-cause={drop.cause}
            data-session={drop.sessionId}
            role={interactive ? 'button' : undefined}
            tabIndex={interactive ? 0 : undefined}
            aria-label={interactive ? `${CAUSE_LABELS[drop.cause]} drop` : undefined}
            onFocus={() => onDropHover(drop, x)}
            onBlur={() => onDropHover(null, x)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' || event.key === ' ') onDropSelect(drop);
            }}
          >
            {ringed && <rect className="drop-ring" x={-4} y={1} width={8} height={height - 2} rx={2} />}
            {/* A drop: its cause's glyph on a stem across the strip; a failed attempt: the glyph alone. */}
            {!drop.attempt && (
              <rect
                className="drop-stem"
                x={-1}
                y={4}
                width={2}
                height={height - 4}
                style={{ fill: causeColor(drop.cause) }}
              />
            )}
            <path
              className="drop-glyph"
              d={CAUSE_GLYPHS[drop.cause]}
              transform={`translate(0,${drop.attempt ? height / 2 : 5})${drop.attempt ? ' scale(0.8)' : ''}`}
              style={{ fill: causeColor(drop.cause) }}
            />
          </g>
        );
      })}
    </svg>
  );
}
