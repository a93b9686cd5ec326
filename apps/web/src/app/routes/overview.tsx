// The overview (`/`): pick a target and a window (live, or absolute from the URL); every leg on one time
// axis with the verdicts beside them. All view state lives in the URL so any view can be shared.
import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { SaveIncidentForm } from '../../features/incidents/components/save-incident-form';
import { LabPanel } from '../../features/lab/components/lab-panel';
import { useTargets } from '../../features/legs/api/get-targets';
import { TargetPicker } from '../../features/legs/components/target-picker';
import { useNow } from '../../lib/use-now';
import {
  freezeWindow,
  parseViewWindow,
  shareUrl,
  type ViewWindow,
  writeViewWindow,
} from '../../lib/view-window';
import { ShareButton } from '../target-window/share-button';
import { TargetWindow } from '../target-window/target-window';
import { WindowControls } from '../target-window/window-controls';

export function OverviewRoute() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const targets = useTargets();
  const search = params.toString();
  const window = useMemo(() => parseViewWindow(new URLSearchParams(search)), [search]);
  const drop = params.get('drop');
  const [saving, setSaving] = useState<{ from: number; to: number } | null>(null);
  const now = useNow(1_000);

  if (targets.error) return <p className="error">Targets could not be loaded: {targets.error.message}</p>;
  if (!targets.data) return <p className="muted">loading…</p>;
  if (targets.data.length === 0) return <p className="muted empty">No targets are configured.</p>;
  const target = targets.data.find((t) => t.name === params.get('target')) ?? targets.data[0]!;

  function update(change: (next: URLSearchParams) => void) {
    const next = new URLSearchParams(params);
    change(next);
    setParams(next);
  }
  const setWindow = (w: ViewWindow) => setParams(writeViewWindow(params, w));
  const setDrop = (id: string | null) =>
    update((next) => {
      if (id === null) next.delete('drop');
      else next.set('drop', id);
    });

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
      <LabPanel now={now} />
      <TargetWindow target={target} window={window} selectedDrop={drop} onSelectDrop={setDrop} />
    </div>
  );
}
