// The overview (`/`): pick a target and a window (live, or absolute from the URL); every leg on one time
// axis with the verdicts beside them. All view state lives in the URL so any view can be shared.
import { useCallback, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { SaveIncidentForm } from '../../features/incidents/components/save-incident-form';
import { LabPanel } from '../../features/lab/components/lab-panel';
import { useTargets } from '../../features/legs/api/get-targets';
import { TargetPicker } from '../../features/legs/components/target-picker';
import {
  freezeWindow,
  LIVE_RANGES,
  type LiveRangeKey,
  parseViewWindow,
  shareUrl,
  type ViewWindow,
  writeViewWindow,
} from '../../lib/view-window';
import { withoutZoom, withZoom } from '../../lib/zoom-window';
import { ShareButton } from '../target-window/share-button';
import { TargetWindow } from '../target-window/target-window';
import { useRangeKeys } from '../target-window/use-range-keys';
import { WindowControls } from '../target-window/window-controls';
import { overviewPage } from './overview-page';
import { TargetsOverview } from './targets-overview';

export function OverviewRoute() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const targets = useTargets();
  const search = params.toString();
  const window = useMemo(() => parseViewWindow(new URLSearchParams(search)), [search]);
  const drop = params.get('drop');
  const [saving, setSaving] = useState<{ from: number; to: number } | null>(null);

  // The zoom goes into the URL as a new history entry: Back undoes it. Reset keeps the live range.
  const zoomTo = useCallback(
    (w: { from: number; to: number }) => setParams(withZoom(params, w)),
    [params, setParams],
  );
  const resetZoom = useCallback(() => {
    if (params.has('from') || params.has('to')) setParams(withoutZoom(params));
  }, [params, setParams]);
  const pickRange = useCallback(
    (key: LiveRangeKey) => {
      const range = LIVE_RANGES.find((r) => r.key === key);
      if (range) setParams(writeViewWindow(params, { kind: 'live', range: range.key, spanMs: range.spanMs }));
    },
    [params, setParams],
  );
  useRangeKeys(pickRange, resetZoom);
  const zoom = useMemo(() => ({ onZoom: zoomTo, onReset: resetZoom }), [zoomTo, resetZoom]);
  // Stable while the URL stays: every leg row takes it, and a new one would redraw them all.
  const setDrop = useCallback(
    (id: string | null) => {
      const next = new URLSearchParams(params);
      if (id === null) next.delete('drop');
      else next.set('drop', id);
      setParams(next);
    },
    [params, setParams],
  );

  if (targets.error) return <p className="error">Targets could not be loaded: {targets.error.message}</p>;
  if (!targets.data) return <p className="muted">loading…</p>;
  if (targets.data.length === 0) return <p className="muted empty">No targets are configured.</p>;
  const page = overviewPage(targets.data, params.get('target'));
  if (page.kind !== 'target') return <TargetsOverview targets={targets.data} />;
  const { target } = page;

  function update(change: (next: URLSearchParams) => void) {
    const next = new URLSearchParams(params);
    change(next);
    setParams(next);
  }
  const setWindow = (w: ViewWindow) => setParams(writeViewWindow(params, w));

  return (
    <div className="overview">
      <div className="toolbar">
        <TargetPicker
          targets={targets.data}
          value={target.name}
          onChange={(name) =>
            update((next) => {
              next.set('target', name);
              next.delete('drop');
            })
          }
        />
        <WindowControls window={window} onChange={setWindow} />
        {window.kind === 'fixed' && params.has('from') && (
          <button
            type="button"
            onClick={resetZoom}
            data-testid="reset-zoom"
            title="back to the live range (key 0)"
          >
            Reset zoom
          </button>
        )}
        <div className="toolbar-actions">
          <ShareButton
            makeUrl={() => {
              const { from, to } = freezeWindow(window, Date.now());
              return shareUrl(globalThis.location.origin, { target: target.name, from, to, drop });
            }}
          />
          <button
            type="button"
            onClick={() => setSaving(freezeWindow(window, Date.now()))}
            data-testid="save-incident"
          >
            Save incident
          </button>
        </div>
      </div>
      {saving && (
        <SaveIncidentForm
          target={target.name}
          window={saving}
          onSaved={(id) => navigate(`/incidents/${encodeURIComponent(id)}`)}
          onCancel={() => setSaving(null)}
        />
      )}
      <LabPanel />
      <TargetWindow target={target} window={window} selectedDrop={drop} onSelectDrop={setDrop} zoom={zoom} />
    </div>
  );
}
