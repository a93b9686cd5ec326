// The RTT chart is drawn with recharts, which with its dependencies is near half of the dashboard's script.
// It is loaded on its own, so pages without a chart (the targets overview, the wall, incidents) never parse
// it, and the overview starts loading it alongside its API requests (overview-prefetch.ts) instead of
// before them. The target window counts the chart as part of being ready: data-ready still means drawn.
import { useEffect, useState } from 'react';
import type { RttBandChart } from './rtt-band-chart';

type Chart = typeof RttBandChart;

let loaded: Chart | null = null;
let loading: Promise<Chart> | null = null;

/** Starts loading the chart's code (once; again after a failure) and resolves with the component. */
export function loadRttBandChart(): Promise<Chart> {
  loading ??= import('./rtt-band-chart').then(
    (module) => {
      loaded = module.RttBandChart;
      return loaded;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

export type RttBandChartModule = { Chart: Chart; error: null } | { Chart: null; error: Error | null };

/** The chart component once its code is here, or why it could not be loaded. */
export function useRttBandChart(): RttBandChartModule {
  const [state, setState] = useState<RttBandChartModule>(() =>
    loaded ? { Chart: loaded, error: null } : { Chart: null, error: null },
  );
  useEffect(() => {
    if (state.Chart) return;
    let current = true;
    loadRttBandChart().then(
      (Chart) => current && setState({ Chart, error: null }),
      (error: unknown) =>
        current &&
        setState({ Chart: null, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
  }, [state.Chart]);
  return state;
}
