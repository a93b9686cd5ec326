import { CAUSE_HINTS, CAUSE_LABELS, CAUSE_ORDER, causeColor } from './causes';

/** The key to the strip: session states and one colour per drop cause. */
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
          <span className="legend-drop" style={{ background: causeColor(cause) }} /> {CAUSE_LABELS[cause]}
        </li>
      ))}
    </ul>
  );
}
