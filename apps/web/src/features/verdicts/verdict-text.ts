// What a verdict card says beyond the summary: whether it may still change, why each leg is in its list, and
// what each confidence means. Pure, tested with a table.
import type { Confidence, Verdict } from '@hopwatch/shared/protocol';
import { CAUSES, type Cause } from '@hopwatch/shared/protocol';
import { CAUSE_LABELS } from '../../components/ui/causes';

/** Said in words, not only by style: a provisional verdict may change while its window is open. */
export function finality(verdict: Pick<Verdict, 'final' | 'kind'>): string | null {
  if (verdict.final) return null;
  return 'provisional: the correlation window is still open, this may change as more legs report';
}

export const CONFIDENCE_MEANINGS: Record<Confidence, string> = {
  high: 'every leg is accounted for (dropped, or up and answering across the drops): the suspects are the hops only the dropped legs cross',
  low: 'some leg could not be judged (down already, connecting, heartbeats lost): a hop it would have cleared may be among the suspects',
  inconclusive:
    'no hop explains the drops, or hopwatch itself stalled: the drops are not evidence against the path',
};

export interface LegReason {
  leg: string;
  /** e.g. "heartbeat timeout", "already down"; null when the verdict does not say (stored before reasons) */
  reason: string | null;
}

/** The legs of one list with their reasons; a dropped leg's cause names read as on the strip's legend. */
export function legReasons(verdict: Pick<Verdict, 'reasons'>, legs: readonly string[]): LegReason[] {
  return legs.map((leg) => {
    const reason = verdict.reasons?.[leg];
    return { leg, reason: reason === undefined ? null : readableCauses(reason) };
  });
}

function readableCauses(reason: string): string {
  return reason
    .split(', ')
    .map((part) => ((CAUSES as readonly string[]).includes(part) ? CAUSE_LABELS[part as Cause] : part))
    .join(', ');
}
