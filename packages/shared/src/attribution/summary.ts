// The one human sentence of a verdict (docs/spec.md#1-concepts), e.g.
//   "traefik or dispatch: cloudflare and internal dropped together while t3serve stayed up"
// suspects first, because that is what the reader came for; then the facts that put them there.
import type { LegClassification } from './classify.js';
import { listAnd, listOr } from './text.js';

export interface SummaryInput {
  kind: 'cluster' | 'reported';
  suspects: readonly string[];
  legs: readonly LegClassification[];
  proberStalled: boolean;
}

export function summarize(input: SummaryInput): string {
  const dropped = names(input.legs, 'dropped');
  const clean = names(input.legs, 'clean');
  const unknown = input.legs.filter((leg) => leg.state === 'unknown');

  if (input.proberStalled) {
    const what = input.kind === 'reported' ? 'the legs around the reported time' : 'these drops';
    return `inconclusive: hopwatch itself stalled, so ${what} are not evidence against the path`;
  }

  let happened: string;
  if (dropped.length === 0) {
    const who = clean.length > 1 ? `${listAnd(clean)} all` : listAnd(clean);
    happened =
      clean.length > 0 ? `${who} stayed up when the drop was reported` : 'no leg was seen up or dropping';
  } else {
    const verb = dropped.length > 1 ? 'dropped together' : 'dropped';
    const when = input.kind === 'reported' ? ' around the reported time' : '';
    const others = clean.length > 0 ? ` while ${listAnd(clean)} stayed up` : '';
    happened = `${listAnd(dropped)} ${verb}${when}${others}`;
  }
  const unknownClause =
    unknown.length > 0 ? `; ${listAnd(unknown.map((leg) => `${leg.leg} (${leg.reason})`))} unknown` : '';

  if (input.suspects.length === 0) {
    return `inconclusive: ${happened}, and no hop is crossed by every dropped leg without a leg that stayed up${unknownClause}`;
  }
  return `${listOr(input.suspects)}: ${happened}${unknownClause}`;
}

function names(legs: readonly LegClassification[], state: LegClassification['state']): string[] {
  return legs.filter((leg) => leg.state === state).map((leg) => leg.leg);
}
