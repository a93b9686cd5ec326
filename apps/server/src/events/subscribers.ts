// Who hears the bus (and a store feed), and how each takes rtt events. rtt events are nearly all events (one per
// heartbeat per leg: 10,000 a second at 10,000 legs) and most subscribers ignore them, so a subscriber says how it
// takes them: in batches (one call per batch the prober delivers, one loop inside), not at all, or one by one
// like any other event. Calling seven subscribers per heartbeat, five of them only to return, was a large part of
// the main thread's cost per heartbeat.
import type { RttEvent, StoredEvent } from '@hopwatch/shared/protocol';

export type EventListener = (stored: StoredEvent) => void;

/** An rtt event with its seq: a StoredEvent whose event is known to be an rtt event. */
export interface StoredRtt {
  seq: number;
  event: RttEvent;
  /**
   * the leg slot of the event's (target, leg) (events/leg-slots.ts), if its publisher knew it; absent or NO_SLOT:
   * find the leg by its names. Never part of what is stored or sent.
   */
  slot?: number;
}

/** Takes a run of rtt events in seq order (consecutive in the log, nothing published between them). */
export type RttBatchListener = (batch: readonly StoredRtt[]) => void;

export interface SubscribeOptions {
  /**
   * A function: rtt events arrive in batches there, and never in the subscriber's listener. 'ignore': the
   * subscriber never sees rtt events. Absent: rtt events arrive one by one in the listener, like any other.
   */
  rtt?: RttBatchListener | 'ignore';
}

interface Subscriber {
  listener: EventListener;
  rtt: RttBatchListener | 'ignore' | 'each';
}

export class Subscribers {
  readonly #all = new Set<Subscriber>();

  add(listener: EventListener, options: SubscribeOptions = {}): () => void {
    const subscriber: Subscriber = { listener, rtt: options.rtt ?? 'each' };
    this.#all.add(subscriber);
    return () => this.#all.delete(subscriber);
  }

  /** Hands one event to every subscriber; an rtt event goes to batch subscribers as a batch of one. */
  deliver(stored: StoredEvent): void {
    if (stored.event.kind === 'rtt') {
      this.deliverRtt([stored as StoredRtt]);
      return;
    }
    for (const subscriber of this.#all) guarded(subscriber.listener, stored);
  }

  /** Hands a run of rtt events to every subscriber that takes them, in seq order. */
  deliverRtt(batch: readonly StoredRtt[]): void {
    if (batch.length === 0) return;
    for (const subscriber of this.#all) {
      const { rtt } = subscriber;
      if (rtt === 'ignore') continue;
      if (rtt !== 'each') {
        guarded(rtt, batch);
        continue;
      }
      for (const stored of batch) guarded(subscriber.listener, stored);
    }
  }
}

/** One broken consumer must not stop the producer or starve the others: its error is rethrown on its own. */
function guarded<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
