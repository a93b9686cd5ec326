// The RTT chart behind a lazy boundary: recharts is most of the dashboard's JavaScript, so it loads in its own
// chunk (vite.config.ts) after the first screen, which shows the legs, their timelines and the verdicts
// without waiting for it. Until the chunk arrives an empty box of the chart's size keeps the layout still.
import { lazy, Suspense } from 'react';
import type { RttBandChartProps } from './rtt-band-chart';

const RttBandChart = lazy(async () => ({ default: (await import('./rtt-band-chart')).RttBandChart }));

export function LazyRttBandChart(props: RttBandChartProps) {
  return (
    <Suspense
      fallback={<div className="rtt-chart-loading" style={{ width: props.width, height: props.height }} />}
    >
      <RttBandChart {...props} />
    </Suspense>
  );
}
