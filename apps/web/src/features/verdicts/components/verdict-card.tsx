// One verdict as a person reads it: when, how sure, the sentence, the path with the suspects, and the
// signatures that explain the mechanism with their evidence and the knobs to change.
import type { LegView, SignatureMatch, Verdict } from '@hopwatch/shared/protocol';
import { formatDateTime } from '../../../components/ui/format';
import { offsetOf, useZoneMode } from '../../../lib/time-zone';
import { zoneClockTimes } from '../../../lib/zone-text';
import { VerdictEvidenceList } from '../../evidence/components/verdict-evidence';
import { finality, legReasons } from '../verdict-text';
import { PathDiagram } from './path-diagram';

export interface VerdictCardProps {
  verdict: Verdict;
  segments: readonly string[];
  legs: readonly Pick<LegView, 'name' | 'covers'>[];
  selected?: boolean;
  expanded?: boolean;
  onSelect?: () => void;
}

export function VerdictCard({
  verdict,
  segments,
  legs,
  selected = false,
  expanded = true,
  onSelect,
}: VerdictCardProps) {
  return (
    <article
      className={`verdict-card${selected ? ' verdict-card--selected' : ''}${verdict.final ? '' : ' verdict-card--provisional'}`}
      data-testid="verdict"
      data-verdict={verdict.id}
      data-suspects={verdict.suspects.join(' ')}
      data-final={verdict.final}
    >
      <header className="verdict-head">
        <button type="button" className="verdict-time" onClick={onSelect} disabled={!onSelect}>
          {verdict.kind === 'reported' ? 'reported drop at ' : ''}
          {formatDateTime(verdict.at)}
        </button>
        <span className={`confidence confidence--${verdict.confidence}`}>{verdict.confidence}</span>
      </header>
      {!verdict.final && (
        <p className="verdict-provisional" data-testid="verdict-provisional">
          {finality(verdict)}
        </p>
      )}
      <p className="verdict-summary">{verdict.summary}</p>
      <VerdictEvidenceList evidence={verdict.evidence} />
      <p className="verdict-suspects">
        {verdict.suspects.length > 0 ? (
          <>
            suspects:{' '}
            {verdict.suspects.map((s) => (
              <strong key={s} className="suspect-chip">
                {s}
              </strong>
            ))}
          </>
        ) : (
          <>no single hop explains it</>
        )}
      </p>
      {expanded && (
        <>
          <PathDiagram segments={segments} legs={legs} verdict={verdict} />
          <LegLists verdict={verdict} />
          {verdict.signatures.length > 0 && (
            <ul className="signatures">
              {verdict.signatures.map((signature) => (
                <SignatureItem key={signature.id} signature={signature} at={verdict.at} />
              ))}
            </ul>
          )}
        </>
      )}
    </article>
  );
}

function LegLists({ verdict }: { verdict: Verdict }) {
  const groups: [string, string[]][] = [
    ['dropped', verdict.dropped],
    ['clean', verdict.clean],
    ['unknown', verdict.unknown],
  ];
  return (
    <dl className="verdict-legs">
      {groups.map(([label, legs]) => (
        <div key={label}>
          <dt className={`verdict-legs-${label}`}>{label}</dt>
          <dd>
            {legs.length > 0
              ? legReasons(verdict, legs).map(({ leg, reason }, index) => (
                  <span key={leg} className="verdict-leg" data-leg={leg}>
                    {index > 0 && ', '}
                    {leg}
                    {reason !== null && <span className="verdict-leg-reason"> ({reason})</span>}
                  </span>
                ))
              : '—'}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function SignatureItem({ signature, at }: { signature: SignatureMatch; at: number }) {
  const zone = useZoneMode();
  return (
    <li className="signature" data-signature={signature.id}>
      <div className="signature-head">
        <code className="signature-id">{signature.id}</code>
        <span>{signature.summary}</span>
      </div>
      {signature.evidence.length > 0 && (
        <ul className="signature-evidence">
          {signature.evidence.map((line) => (
            // The server writes UTC clock times; the page shows its own zone.
            <li key={line}>{zoneClockTimes(line, at, (t) => offsetOf(zone, t))}</li>
          ))}
        </ul>
      )}
      {signature.culprits.length > 0 && (
        <details className="signature-culprits">
          <summary>known culprits with matching defaults ({signature.culprits.length})</summary>
          <ul>
            {signature.culprits.map((culprit) => (
              <li key={`${culprit.component}-${culprit.knob}`}>
                <strong>{culprit.component}</strong> <code>{culprit.knob}</code> (default{' '}
                {culprit.defaultText}){!culprit.verified && <em> possible</em>}
              </li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}
