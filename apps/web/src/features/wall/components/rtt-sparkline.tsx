// A wall tile's recent RTT: band and median on the tile's own width, its scale's top as a label.
import type { RttPoint } from '@hopwatch/shared/protocol';
import { useMemo } from 'react';
import { formatRttTick } from '../../rtt/rtt-scale';
import { sparklinePaths } from '../sparkline-shape';

export interface RttSparklineProps {
  points: readonly RttPoint[];
  step: number;
  from: number;
  to: number;
  width: number;
  height: number;
  label: string;
}

export function RttSparkline({ points, step, from, to, width, height, label }: RttSparklineProps) {
  const paths = useMemo(
    () => sparklinePaths(points, { from, to, width, height, step }),
    [points, from, to, width, height, step],
  );
  return (
    <div className="wall-spark" data-testid="wall-sparkline">
      <svg width={width} height={height} role="img" aria-label={label}>
        <path className="wall-spark-band" d={paths.band} />
        <path className="wall-spark-median" d={paths.median} />
        <path className="wall-spark-lost" d={paths.lost} />
        <path className="wall-spark-clipped" d={paths.clipped} />
      </svg>
      {paths.median === '' ? (
        <span className="wall-spark-empty">no heartbeat answered in this window</span>
      ) : (
        <span className="wall-spark-top">{formatRttTick(paths.top)}</span>
      )}
    </div>
  );
}
