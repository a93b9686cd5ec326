// Drops newest first with their verdicts; the selected one (from the URL, or a drop clicked on a strip) is
// expanded and scrolled into view, the newest is expanded otherwise.
import type { LegView, Verdict } from '@hopwatch/shared/protocol';
import { useEffect, useRef } from 'react';
import { ConfidenceLegend } from './confidence-legend';
import { VerdictCard } from './verdict-card';

export interface VerdictsPanelProps {
  verdicts: readonly Verdict[] | undefined;
  loading: boolean;
  error: Error | null;
  segments: readonly string[];
  legs: readonly Pick<LegView, 'name' | 'covers'>[];
  selectedId: string | null;
  onSelect(verdict: Verdict): void;
}

const MAX_SHOWN = 50;

export function VerdictsPanel({
  verdicts,
  loading,
  error,
  segments,
  legs,
  selectedId,
  onSelect,
}: VerdictsPanelProps) {
  const selectedRef = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (selectedId !== null) selectedRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [selectedId]);

  if (error) return <p className="error">Verdicts could not be loaded: {error.message}</p>;
  if (loading && !verdicts) return <p className="muted">loading verdicts…</p>;
  if (!verdicts || verdicts.length === 0) {
    return (
      <p className="muted empty" data-testid="no-verdicts">
        No drops in this window.
      </p>
    );
  }
  const shown = verdicts.slice(0, MAX_SHOWN);
  return (
    <div className="verdict-list">
      <ConfidenceLegend />
      {shown.map((verdict, index) => {
        const selected = verdict.id === selectedId;
        return (
          <div key={verdict.id} ref={selected ? selectedRef : undefined}>
            <VerdictCard
              verdict={verdict}
              segments={segments}
              legs={legs}
              selected={selected}
              expanded={selected || (selectedId === null && index === 0)}
              onSelect={() => onSelect(verdict)}
            />
          </div>
        );
      })}
      {verdicts.length > MAX_SHOWN && (
        <p className="muted">{verdicts.length - MAX_SHOWN} older drops in this window are not listed.</p>
      )}
    </div>
  );
}
