// The signature corpus's labels: for each recorded scenario, exactly the signatures its verdicts must carry
// (an empty list: none), decided from what was done to the path, never from what the code happened to say.
// The recordings (recordings/*.json) are real data from the lab; corpus.test.ts scores the catalog against
// these labels and fails below 100 % precision or recall. docs/attribution.md says how to re-record.
import type { FaultKind, LabHop } from '../../protocol/api.js';
import type { SignatureId } from '../../protocol/verdict.js';

export interface CorpusLabel {
  /** every signature the scenario's verdicts carry, together: no more, no fewer */
  signatures: readonly SignatureId[];
  /** catalog components a signature must name among its culprits */
  culprits?: Partial<Record<SignatureId, readonly string[]>>;
  /** why these and not others, where it is not obvious */
  why?: string;
}

/**
 * The lab's faults on each hop, on the lab matrix test's timings (heartbeats every 400 ms, timeout 1.2 s).
 * A fault on lb or app cuts several legs at the same moment (mass-drop); on edge only the edge leg. Stalls and
 * blackholes end sessions by hopwatch's own heartbeat timeout, whose moment is set by each leg's heartbeat
 * phase, so they carry no signature. A 3 s cap cuts every session it crosses at the same age (duration-cap).
 */
export const LAB_FAULT_SIGNATURES: Record<FaultKind, Record<LabHop, readonly SignatureId[]>> = {
  stall: { edge: [], lb: [], app: [] },
  blackhole: { edge: [], lb: [], app: [] },
  reset: { edge: [], lb: ['mass-drop'], app: ['mass-drop'] },
  close: { edge: [], lb: ['mass-drop'], app: ['mass-drop'] },
  reject: { edge: [], lb: ['mass-drop'], app: ['mass-drop'] },
  cap: { edge: ['duration-cap'], lb: ['duration-cap', 'mass-drop'], app: ['duration-cap', 'mass-drop'] },
};

/** Scenarios seen in the field, recorded on the lab's hops (record-corpus.ts says how each was made). */
export const SCENARIO_LABELS: Record<string, CorpusLabel> = {
  'idle-timeout-5s': {
    signatures: ['idle-timeout'],
    why: 'cut in the first gap between 8 s heartbeats after 5 s of silence; no cap: the ages differ',
  },
  'cap-100s': {
    signatures: ['duration-cap'],
    culprits: { 'duration-cap': ['Cloudflare proxy'] },
    why: 'every edge session cut at 100 s despite 2 s heartbeats: a lifetime cap at Cloudflare’s 100 s',
  },
  'slowing-app': {
    signatures: ['stall-before-drop'],
    why:
      'RTT climbs to the timeout; sessions that reconnect while the app is still slow die by hopwatch’s own ' +
      'timeout at similar ages, which is not a cap on the path',
  },
  'restart-1012': { signatures: ['mass-drop'] },
  'reject-403': { signatures: [], why: 'a 403 is not the h2 upgrade failure (400 with ALPN h2)' },
  'frozen-app': { signatures: [], why: 'heartbeat timeouts only: no RTT climb, no cut by the path' },
  'reset-after-restart': {
    signatures: ['mass-drop'],
    why:
      'the lb sessions die at ~45 s (socket.io’s give-up age) twice, but only because hopwatch and the reset ' +
      'schedule started together: chance, not a peer heartbeat',
  },
  'peer-gives-up-45s': {
    signatures: ['duration-cap', 'heartbeat-multiple'],
    culprits: { 'heartbeat-multiple': ['socket.io'] },
    why:
      'every edge session dies at 45 s; from the second on they are reconnects, independent starts: a peer ' +
      'giving up at socket.io’s 45 s, and seen from the path also a fixed-age cut (both readings offered)',
  },
  'prober-stall': {
    signatures: ['prober-stall'],
    why: 'lb resets while hopwatch’s event loop is blocked 3 s: the drops are suspect, so not even mass-drop',
  },
};

/** Every scenario's label by recording name: `lab-<kind>-<hop>` and the field scenarios. */
export function corpusLabels(): Map<string, CorpusLabel> {
  const labels = new Map<string, CorpusLabel>();
  for (const [kind, hops] of Object.entries(LAB_FAULT_SIGNATURES)) {
    for (const [hop, signatures] of Object.entries(hops)) labels.set(`lab-${kind}-${hop}`, { signatures });
  }
  for (const [name, label] of Object.entries(SCENARIO_LABELS)) labels.set(name, label);
  return labels;
}
