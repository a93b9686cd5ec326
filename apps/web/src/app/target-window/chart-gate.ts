// Which legs of a target page draw their RTT chart. Mounting one recharts chart costs the page tens of ms of
// main thread (a store, its selectors, a series), so a page draws first the charts a user sees: a row is
// drawn once it has been in view, and after the page is ready the rows below the fold are drawn one per
// idle moment, so they are there before anyone scrolls to them without one long task drawing them all.
// Pure; `use-chart-gate.ts` feeds it an IntersectionObserver's reports and idle callbacks.

export interface ChartGate {
  /** legs the observer has reported on at least once: until every row is, nobody knows what is in view */
  reported: ReadonlySet<string>;
  /** legs whose chart is drawn; once drawn, always drawn (a chart is not taken down when it scrolls away) */
  drawn: ReadonlySet<string>;
}

export const EMPTY_GATE: ChartGate = { reported: new Set(), drawn: new Set() };

/** What the observer said about some rows: whether each is in view now. */
export interface Sighting {
  leg: string;
  inView: boolean;
}

/** The gate after the observer's reports: every row in view is drawn. The same gate when nothing changes. */
export function withSightings(gate: ChartGate, sightings: readonly Sighting[]): ChartGate {
  let reported: Set<string> | null = null;
  let drawn: Set<string> | null = null;
  for (const { leg, inView } of sightings) {
    if (!gate.reported.has(leg) && !reported?.has(leg)) {
      reported ??= new Set(gate.reported);
      reported.add(leg);
    }
    if (inView && !gate.drawn.has(leg) && !drawn?.has(leg)) {
      drawn ??= new Set(gate.drawn);
      drawn.add(leg);
    }
  }
  if (reported === null && drawn === null) return gate;
  return { reported: reported ?? gate.reported, drawn: drawn ?? gate.drawn };
}

/** Whether the observer has reported on every leg: then what is in view is known (and drawn). */
export function isPlaced(gate: ChartGate, legs: readonly string[]): boolean {
  return legs.every((leg) => gate.reported.has(leg));
}

/** The first leg, in page order, whose chart is not drawn yet; null when every chart is. */
export function nextToDraw(gate: ChartGate, legs: readonly string[]): string | null {
  return legs.find((leg) => !gate.drawn.has(leg)) ?? null;
}

/** The gate with one more leg drawn (the idle step). */
export function withDrawn(gate: ChartGate, leg: string): ChartGate {
  if (gate.drawn.has(leg)) return gate;
  return { reported: gate.reported, drawn: new Set([...gate.drawn, leg]) };
}
