// The lab's active faults: which hop misbehaves how, since when, until when, and who asked. Each hop's
// conditions are derived from its active faults, so overlapping faults (a scheduled cap and a stall someone
// injected) combine, and each one's end restores exactly what the others still impose.
import type { LabFault, LabFaultRequest, LabHop } from '@hopwatch/shared/protocol';
import { HEALTHY, type HopConditions } from './hop-proxy.js';

/** 1012 Service Restart: what a hop sends its WebSockets when it restarts for a deploy */
export const DEFAULT_CLOSE_CODE = 1012;
export const DEFAULT_REJECT_STATUS = 502;
/** Cloudflare's documented proxy read timeout, the classic tunnel limit */
export const DEFAULT_CAP_AGE_MS = 100_000;

export type FaultSource = LabFault['source'];

/** A hop's conditions under `faults` (all on that hop): the latest close code and status win, the shortest cap. */
export function conditionsOf(faults: readonly LabFault[]): HopConditions {
  const conditions: HopConditions = { ...HEALTHY };
  for (const fault of [...faults].sort((a, b) => a.startedAt - b.startedAt)) {
    switch (fault.kind) {
      case 'stall':
        conditions.stall = true;
        break;
      case 'blackhole':
        conditions.blackhole = true;
        break;
      case 'reset':
        conditions.reset = true;
        break;
      case 'close':
        conditions.closeCode = fault.code ?? DEFAULT_CLOSE_CODE;
        break;
      case 'reject':
        conditions.rejectStatus = fault.status ?? DEFAULT_REJECT_STATUS;
        break;
      case 'cap': {
        const ageMs = fault.ageMs ?? DEFAULT_CAP_AGE_MS;
        conditions.capAgeMs = conditions.capAgeMs === null ? ageMs : Math.min(conditions.capAgeMs, ageMs);
        break;
      }
    }
  }
  return conditions;
}

/** The fault a request describes, with the defaults of its kind filled in and the other kinds' fields null. */
export function faultFromRequest(
  request: LabFaultRequest,
  id: string,
  source: FaultSource,
  now: number,
): LabFault {
  return {
    id,
    hop: request.hop,
    kind: request.kind,
    startedAt: now,
    endsAt: now + request.durationMs,
    code: request.kind === 'close' ? (request.code ?? DEFAULT_CLOSE_CODE) : null,
    status: request.kind === 'reject' ? (request.status ?? DEFAULT_REJECT_STATUS) : null,
    ageMs: request.kind === 'cap' ? (request.ageMs ?? DEFAULT_CAP_AGE_MS) : null,
    source,
  };
}

export interface FaultBookOptions {
  /** called with a hop's new conditions whenever one of its faults starts or ends */
  onChange: (hop: LabHop, conditions: HopConditions) => void;
  now?: () => number;
}

interface ActiveFault {
  fault: LabFault;
  expiry: NodeJS.Timeout;
}

export class FaultBook {
  readonly #onChange: FaultBookOptions['onChange'];
  readonly #now: () => number;
  readonly #active = new Map<string, ActiveFault>();
  #nextId = 1;

  constructor(options: FaultBookOptions) {
    this.#onChange = options.onChange;
    this.#now = options.now ?? Date.now;
  }

  inject(request: LabFaultRequest, source: FaultSource): LabFault {
    const fault = faultFromRequest(request, `fault-${this.#nextId++}`, source, this.#now());
    const expiry = setTimeout(() => this.#end(fault.id), request.durationMs);
    expiry.unref();
    this.#active.set(fault.id, { fault, expiry });
    this.#changed(fault.hop);
    return fault;
  }

  /** active faults, oldest first */
  list(): LabFault[] {
    return [...this.#active.values()].map((active) => active.fault);
  }

  /** Ends every active fault now; returns how many there were. */
  clear(): number {
    const hops = new Set<LabHop>();
    for (const { fault, expiry } of this.#active.values()) {
      clearTimeout(expiry);
      hops.add(fault.hop);
    }
    const count = this.#active.size;
    this.#active.clear();
    for (const hop of hops) this.#changed(hop);
    return count;
  }

  /** Forgets every fault without touching the hops (they are closing too). */
  close(): void {
    for (const { expiry } of this.#active.values()) clearTimeout(expiry);
    this.#active.clear();
  }

  #end(id: string): void {
    const active = this.#active.get(id);
    if (!active) return;
    this.#active.delete(id);
    this.#changed(active.fault.hop);
  }

  #changed(hop: LabHop): void {
    this.#onChange(hop, conditionsOf(this.list().filter((fault) => fault.hop === hop)));
  }
}
