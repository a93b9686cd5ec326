// What HIGH, LOW and INCONCLUSIVE mean, beside the verdicts: a person reading one at 3 a.m. should not have
// to guess how sure hopwatch is.
import { CONFIDENCES } from '@hopwatch/shared/protocol';
import { CONFIDENCE_MEANINGS } from '../verdict-text';

export function ConfidenceLegend() {
  return (
    <details className="confidence-legend" data-testid="confidence-legend">
      <summary>what high, low and inconclusive mean</summary>
      <dl>
        {CONFIDENCES.map((confidence) => (
          <div key={confidence}>
            <dt className={`confidence confidence--${confidence}`}>{confidence}</dt>
            <dd className="confidence-legend-meaning">{CONFIDENCE_MEANINGS[confidence]}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
