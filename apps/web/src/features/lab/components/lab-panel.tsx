// The lab's fault buttons (lab mode only): make one hop misbehave and watch which legs drop and what the
// verdict says. Active faults count down from their end time; no polling is needed for that.
import { FAULT_KINDS, type FaultKind, type LabFault, type LabHop } from '@hopwatch/shared/protocol';
import { useState } from 'react';
import { formatAge } from '../../../components/ui/format';
import { storedPref, usePref } from '../../../lib/prefs/stored-pref';
import { useNow } from '../../../lib/use-now';
import { useLabStatus } from '../api/get-lab-status';
import { useInjectFault } from '../api/inject-fault';

const FAULT_HINTS: Record<FaultKind, string> = {
  stall: 'stop forwarding, keep the sockets open',
  reset: 'reset every connection (RST)',
  close: 'send close frames (1012)',
  cap: 'cut sessions at an age',
  reject: 'answer upgrades with an HTTP error (502)',
  blackhole: 'accept connections, never answer',
};

/** Open or folded away, remembered: 18 buttons are many Tab stops for someone who only watches. */
const labPanelPref = storedPref<'open' | 'closed'>('hopwatch.lab-panel', ['open', 'closed'], 'open');

const DURATIONS = [
  { label: '5 s', ms: 5_000 },
  { label: '15 s', ms: 15_000 },
  { label: '60 s', ms: 60_000 },
];

export function LabPanel() {
  // Its own clock (active faults count down): a tick redraws the panel, not the page around it.
  const now = useNow(1_000);
  const status = useLabStatus();
  const inject = useInjectFault();
  const [durationMs, setDurationMs] = useState(15_000);
  const open = usePref(labPanelPref);
  if (!status.data) return null;
  const hops = status.data.hops.map((hop) => hop.name);
  const active = status.data.faults.filter((fault) => fault.endsAt > now);

  return (
    <details
      className="lab-panel"
      data-testid="lab-panel"
      open={open === 'open'}
      onToggle={(event) => labPanelPref.set(event.currentTarget.open ? 'open' : 'closed')}
    >
      <summary className="lab-summary" data-testid="lab-panel-toggle">
        <h2 className="panel-title">Lab: inject a fault</h2>
        {active.length > 0 && <span className="lab-summary-active">{active.length} active</span>}
      </summary>
      <div className="lab-head">
        <label className="control">
          <span className="control-label">for</span>
          <select value={durationMs} onChange={(event) => setDurationMs(Number(event.target.value))}>
            {DURATIONS.map((d) => (
              <option key={d.ms} value={d.ms}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <table className="lab-grid">
        <thead>
          <tr>
            <th>hop</th>
            {FAULT_KINDS.map((kind) => (
              <th key={kind} title={FAULT_HINTS[kind]}>
                {kind}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {hops.map((hop) => (
            <tr key={hop}>
              <th>{hop}</th>
              {FAULT_KINDS.map((kind) => (
                <td key={kind}>
                  <button
                    type="button"
                    data-testid={`lab-fault-${hop}-${kind}`}
                    title={`${kind} on ${hop}: ${FAULT_HINTS[kind]}`}
                    disabled={inject.isPending}
                    className={isActive(active, hop, kind) ? 'is-active' : undefined}
                    onClick={() => inject.mutate({ hop, kind, durationMs })}
                  >
                    {kind}
                  </button>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {inject.error && <p className="error">{inject.error.message}</p>}
      {active.length > 0 && (
        <ul className="lab-active">
          {active.map((fault) => (
            <li key={fault.id}>
              <strong>{fault.kind}</strong> on <strong>{fault.hop}</strong>
              {fault.source === 'schedule' ? ' (scheduled)' : ''} — {formatAge(fault.endsAt - now)} left
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

function isActive(faults: readonly LabFault[], hop: LabHop, kind: FaultKind): boolean {
  return faults.some((fault) => fault.hop === hop && fault.kind === kind);
}
