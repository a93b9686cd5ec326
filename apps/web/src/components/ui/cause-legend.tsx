import { CAUSE_GLYPHS, CAUSE_HINTS, CAUSE_LABELS, CAUSE_ORDER, causeColor } from './causes';

/** The key to the strip: session states and one colour and glyph per drop cause. */
export function CauseLegend() {
  return (
    <ul className="legend" aria-label="legend">
      <li>
        <span className="legend-swatch legend-swatch--up" /> up
      </li>
      <li>
        <span className="legend-swatch legend-swatch--connecting" /> connecting
      </li>
      <li>
        <span className="legend-swatch legend-swatch--down" /> down
      </li>
      <li>
        <span className="legend-swatch legend-swatch--off" /> no session
      </li>
      <li className="legend-sep" aria-hidden="true" />
      {CAUSE_ORDER.map((cause) => (
        <li key={cause} title={CAUSE_HINTS[cause]}>
          <svg className="legend-glyph" width="12" height="12" viewBox="-6 -6 12 12" aria-hidden="true">
            <path d={CAUSE_GLYPHS[cause]} style={{ fill: causeColor(cause) }} />
          </svg>{' '}
          {CAUSE_LABELS[cause]}
        </li>
      ))}
    </ul>
  );
}
