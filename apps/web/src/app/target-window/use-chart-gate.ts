// Drives the chart gate (chart-gate.ts) from the page: one IntersectionObserver watches every leg row, and
// once the page is ready the charts below the fold are drawn one per idle callback. Without an
// IntersectionObserver (an old browser) every chart is drawn at once, as before the gate.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type ChartGate, EMPTY_GATE, isPlaced, nextToDraw, withDrawn, withSightings } from './chart-gate';

export interface ChartGateView {
  /** the leg rows' ref callback: a row is watched while it is mounted (its element carries `data-leg`) */
  watch(leg: string, element: Element | null): void;
  /** legs whose chart is drawn */
  drawn: ReadonlySet<string>;
  /** what is in view is known, and drawn */
  placed: boolean;
  /** every leg's chart is drawn */
  complete: boolean;
}

/** An idle callback never waits longer than this on a page that is never idle. */
const IDLE_TIMEOUT_MS = 1_000;

const observable = typeof IntersectionObserver !== 'undefined';

/**
 * `legs` in page order. `fill` lets the charts below the fold be drawn in idle time: give it the page's
 * readiness, so they never compete with what the user is waiting for. The gate outlives a change of target:
 * a row React keeps (same leg name) stays watched, and a drawn chart stays drawn.
 */
export function useChartGate(legs: readonly string[], fill: boolean): ChartGateView {
  const [gate, setGate] = useState<ChartGate>(EMPTY_GATE);
  const observer = useRef<IntersectionObserver | null>(null);
  const watched = useRef(new Map<string, Element>());

  const watch = useCallback((leg: string, element: Element | null) => {
    if (!observable) return;
    const previous = watched.current.get(leg);
    if (previous === element) return;
    if (previous) observer.current?.unobserve(previous);
    if (element) {
      observer.current ??= new IntersectionObserver((entries) => {
        const sightings = entries.flatMap((entry) => {
          const seen = entry.target.getAttribute('data-leg');
          return seen === null ? [] : [{ leg: seen, inView: entry.isIntersecting }];
        });
        setGate((current) => withSightings(current, sightings));
      });
      watched.current.set(leg, element);
      observer.current.observe(element);
      return;
    }
    watched.current.delete(leg);
    // The last row gone (the page unmounted): the observer goes with it, and a row watched again makes a new one.
    if (watched.current.size === 0) {
      observer.current?.disconnect();
      observer.current = null;
    }
  }, []);

  const next = observable && fill ? nextToDraw(gate, legs) : null;
  useEffect(() => {
    if (next === null) return;
    return whenIdle(() => setGate((current) => withDrawn(current, next)));
  }, [next]);

  const everyLeg = useMemo(() => new Set(legs), [legs]);
  if (!observable) return { watch, drawn: everyLeg, placed: true, complete: true };
  return {
    watch,
    drawn: gate.drawn,
    placed: isPlaced(gate, legs),
    complete: nextToDraw(gate, legs) === null,
  };
}

/** Runs `task` when the browser is idle (soon, where it cannot tell); returns the cancel. */
function whenIdle(task: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(task, { timeout: IDLE_TIMEOUT_MS });
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(task, 50);
  return () => clearTimeout(timer);
}
