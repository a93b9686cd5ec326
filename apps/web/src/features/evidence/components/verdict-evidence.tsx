// A verdict's evidence, on its card: each series that was above its threshold around the drops, supporting
// ones first (the order the server gives), ruled-out ones marked as such.
import type { VerdictEvidence } from '@hopwatch/shared/protocol';
import '../evidence.css';

const BEARING_LABEL: Record<VerdictEvidence['bearing'], string> = {
  supports: 'lines up',
  unrelated: 'elsewhere',
  'ruled-out': 'ruled out',
};

export function VerdictEvidenceList({ evidence }: { evidence: readonly VerdictEvidence[] }) {
  if (evidence.length === 0) return null;
  return (
    <ul className="verdict-evidence" data-testid="verdict-evidence" aria-label="evidence">
      {evidence.map((item) => (
        <li
          key={item.name}
          className={`verdict-evidence-item verdict-evidence--${item.bearing}`}
          data-evidence={item.name}
        >
          <span className="verdict-evidence-bearing">{BEARING_LABEL[item.bearing]}</span>
          <span>{item.summary}</span>
        </li>
      ))}
    </ul>
  );
}
