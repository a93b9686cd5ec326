// The heading above one vantage's legs when several hopwatch instances share a store: where these legs probe
// from, and how many there are.
export function VantageHeading({ vantage, count }: { vantage: string | null; count: number }) {
  return (
    <div className="vantage-heading" data-testid="vantage-heading" data-vantage={vantage ?? ''}>
      <span className="vantage-heading-name">{vantage === null ? 'no vantage' : `from ${vantage}`}</span>
      <span className="vantage-heading-count">
        {count} leg{count === 1 ? '' : 's'}
      </span>
    </div>
  );
}
