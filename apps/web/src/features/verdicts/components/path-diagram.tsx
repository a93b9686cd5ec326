// The target's path from last-mile to the app with the suspects highlighted, and under it each leg drawn as
// the span it covers: red where it dropped, green where it stayed clean, grey where unknown.
import type { LegView, Verdict } from '@hopwatch/shared/protocol';
import { shapePath } from '../path-shape';

export function PathDiagram({
  segments,
  legs,
  verdict,
}: {
  segments: readonly string[];
  legs: readonly Pick<LegView, 'name' | 'covers'>[];
  verdict: Verdict;
}) {
  const shape = shapePath(segments, legs, verdict);
  const columns = `minmax(64px, auto) repeat(${shape.columns.length}, minmax(0, 1fr))`;
  return (
    <div className="path-diagram" data-testid="path-diagram">
      <div className="path-grid" style={{ gridTemplateColumns: columns }}>
        <div className="path-corner" />
        {shape.columns.map((column, index) => (
          <div
            key={column.segment}
            className={`path-segment${column.vantage ? ' path-segment--vantage' : ''}${column.suspect ? ' path-segment--suspect' : ''}`}
            data-suspect={column.suspect}
            title={column.suspect ? 'suspect: crossed by every dropped leg, by no clean one' : undefined}
          >
            {index > 0 && <span className="path-arrow" aria-hidden="true" />}
            {column.segment}
          </div>
        ))}
        {shape.rows.map((row) => (
          <PathLegRow key={row.leg} row={row} />
        ))}
      </div>
      {shape.otherSuspects.length > 0 && (
        <p className="path-other">also suspect: {shape.otherSuspects.join(', ')}</p>
      )}
    </div>
  );
}

function PathLegRow({ row }: { row: ReturnType<typeof shapePath>['rows'][number] }) {
  return (
    <>
      <div className={`path-leg-name path-leg-name--${row.role}`}>
        {row.leg}
        <span className="path-leg-role">{row.role === 'absent' ? '' : row.role}</span>
      </div>
      {row.covered.map((covered, index) => {
        const isFirst = index === row.firstColumn;
        const previous = row.covered[index - 1] ?? false;
        const next = row.covered[index + 1] ?? false;
        return (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional and fixed for a path
            key={index}
            className="path-cell"
          >
            {covered && (
              <span
                className={`path-span path-span--${row.role}${previous ? '' : ' path-span--start'}${next ? '' : ' path-span--end'}`}
              />
            )}
            {isFirst && row.entry && (
              <span
                className={`path-entry${row.entry.suspect ? ' path-entry--suspect' : ''}`}
                title={`${row.leg}:entry — the leg's own DNS name, listener and port`}
              >
                entry
              </span>
            )}
          </div>
        );
      })}
    </>
  );
}
