// The in-process event bus: the prober and the judge publish, storage sequences, the live hub, metrics and
// the judge subscribe. Publishing is synchronous so every subscriber sees events in `seq` order.
import type { HopEvent, StoredEvent } from '@hopwatch/shared/protocol';

/** Assigns each event its place in the event log. The store is the real one; tests may use the counter. */
export interface EventSequencer {
  append(event: HopEvent): number;
  lastSeq(): number;
}

export type EventListener = (stored: StoredEvent) => void;

export class EventBus {
  readonly #listeners = new Set<EventListener>();
  #sequencer: EventSequencer;

  constructor(sequencer: EventSequencer = new CounterSequencer()) {
    this.#sequencer = sequencer;
  }

  publish(event: HopEvent): StoredEvent {
    const stored: StoredEvent = { seq: this.#sequencer.append(event), event };
    notifyListeners(this.#listeners, stored);
    return stored;
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  lastSeq(): number {
    return this.#sequencer.lastSeq();
  }
}

/** Hands an event to every listener; one broken consumer must not stop the producer or starve the others. */
export function notifyListeners(listeners: Iterable<EventListener>, stored: StoredEvent): void {
  for (const listener of listeners) {
    try {
      listener(stored);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
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
