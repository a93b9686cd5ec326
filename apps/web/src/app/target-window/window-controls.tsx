// The window picker: the live ranges, or an absolute from/to typed in local time.
import { type FormEvent, useEffect, useState } from 'react';
import { formatDateTime, fromLocalInput, toLocalInput } from '../../components/ui/format';
import { LIVE_RANGES, type ViewWindow } from '../../lib/view-window';

export function WindowControls({
  window,
  onChange,
}: {
  window: ViewWindow;
  onChange(window: ViewWindow): void;
}) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  useEffect(() => {
    if (window.kind === 'fixed') {
      setFrom(toLocalInput(window.from));
      setTo(toLocalInput(window.to));
    }
  }, [window]);

  function apply(event: FormEvent) {
    event.preventDefault();
    const fromMs = fromLocalInput(from);
    const toMs = fromLocalInput(to);
    if (Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs) {
      onChange({ kind: 'fixed', from: fromMs, to: toMs });
    }
  }

  return (
    <div className="window-controls" aria-keyshortcuts="1 2 3 4 0">
      <fieldset className="segmented" aria-label="live window">
        <span className="control-label">live</span>
        {LIVE_RANGES.map((range, index) => (
          <button
            key={range.key}
            type="button"
            className={window.kind === 'live' && window.range === range.key ? 'is-active' : undefined}
            aria-pressed={window.kind === 'live' && window.range === range.key}
            title={`live, the last ${range.key} (key ${index + 1})`}
            onClick={() => onChange({ kind: 'live', range: range.key, spanMs: range.spanMs })}
          >
            {range.key}
          </button>
        ))}
      </fieldset>
      <form className="absolute-window" onSubmit={apply}>
        <span className="control-label">from</span>
        <input
          type="datetime-local"
          step={1}
          value={from}
          aria-label="from"
          onChange={(e) => setFrom(e.target.value)}
          required
        />
        <span className="control-label">to</span>
        <input
          type="datetime-local"
          step={1}
          value={to}
          aria-label="to"
          onChange={(e) => setTo(e.target.value)}
          required
        />
        <button type="submit">Show</button>
      </form>
      {window.kind === 'fixed' && (
        <span className="window-fixed" data-testid="fixed-window">
          {formatDateTime(window.from)} → {formatDateTime(window.to)}
        </span>
      )}
    </div>
  );
}
