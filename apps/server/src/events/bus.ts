// The in-process event bus: the prober and the judge publish, storage sequences, the live hub, metrics and
// the judge subscribe. Publishing is synchronous so every subscriber sees events in `seq` order.
import type { HopEvent, RttEvent, StoredEvent } from '@hopwatch/shared/protocol';
import { type EventListener, type StoredRtt, type SubscribeOptions, Subscribers } from './subscribers.js';

export type { EventListener, RttBatchListener, StoredRtt, SubscribeOptions } from './subscribers.js';

/** Assigns each event its place in the event log. The store is the real one; tests may use the counter. */
export interface EventSequencer {
  /** `slot`: an rtt event's leg slot, when its publisher knows it (events/leg-slots.ts) */
  append(event: HopEvent, slot?: number): number;
  lastSeq(): number;
}

export class EventBus {
  readonly #subscribers = new Subscribers();
  #sequencer: EventSequencer;

  constructor(sequencer: EventSequencer = new CounterSequencer()) {
    this.#sequencer = sequencer;
  }

  publish(event: HopEvent): StoredEvent {
    const stored: StoredEvent = { seq: this.#sequencer.append(event), event };
    this.#subscribers.deliver(stored);
    return stored;
  }

  /**
   * Publishes rtt events as one run: each gets its seq, in order, and each subscriber is called once for the
   * run (or once per event, if it takes rtt events one by one). What subscribers end up with is what publishing
   * them one at a time would give; only the number of calls differs. `slots[i]`, when given, is the leg slot of
   * `events[i]` (events/leg-slots.ts): consumers find their per-leg values by it instead of by the names.
   */
  publishRtt(events: readonly RttEvent[], slots?: ArrayLike<number>): StoredRtt[] {
    const batch: StoredRtt[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (slots === undefined) {
        batch[i] = { seq: this.#sequencer.append(event), event };
        continue;
      }
      const slot = slots[i]!;
      batch[i] = { seq: this.#sequencer.append(event, slot), event, slot };
    }
    this.#subscribers.deliverRtt(batch);
    return batch;
  }

  subscribe(listener: EventListener, options?: SubscribeOptions): () => void {
    return this.#subscribers.add(listener, options);
  }

  lastSeq(): number {
    return this.#sequencer.lastSeq();
  }
}

/** In-memory sequencing for tests and for a server running without storage. */
export class CounterSequencer implements EventSequencer {
  #seq = 0;
  append(): number {
    this.#seq += 1;
    return this.#seq;
  }
  lastSeq(): number {
    return this.#seq;
  }
}
