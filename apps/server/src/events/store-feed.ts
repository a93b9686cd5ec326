// The live stream of a shared store: every instance's events, in seq order, as they become final. With
// several instances writing one PostgreSQL store, an instance's own bus only carries its own events, and in
// an order that may interleave with the others' commits; so the live hub and the judge follow the store
// instead, polling the event log below its watermark (PostgresStore.after). Everything below the watermark
// is final, so following it by seq neither skips nor repeats an event, and a dashboard resuming with
// `since` at any instance gets exactly what it missed.
//
//   idle ──timer──▶ polling ──page (full: poll again at once)──▶ idle ... ──close()──▶ closed
import type { StoredEvent } from '@hopwatch/shared/protocol';
import { type EventListener, type StoredRtt, type SubscribeOptions, Subscribers } from './subscribers.js';

/** how often the log is read: the bulk of the 1 s between an event being stored and every stream showing it */
export const FEED_POLL_MS = 100;
const FEED_PAGE = 1_000;

export interface FeedSource {
  after(since: number, limit: number): Promise<StoredEvent[]>;
}

export interface StoreFeedOptions {
  source: FeedSource;
  /** the last seq already final when the feed starts: it relays what comes after */
  startAfter: number;
  pollMs?: number;
  onError?: (error: unknown) => void;
}

export class StoreFeed {
  readonly #subscribers = new Subscribers();
  readonly #source: FeedSource;
  readonly #pollMs: number;
  readonly #onError: (error: unknown) => void;
  #cursor: number;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  #failing = false;

  constructor(options: StoreFeedOptions) {
    this.#source = options.source;
    this.#cursor = options.startAfter;
    this.#pollMs = options.pollMs ?? FEED_POLL_MS;
    this.#onError = options.onError ?? (() => {});
    this.#schedule(0);
  }

  subscribe(listener: EventListener, options?: SubscribeOptions): () => void {
    return this.#subscribers.add(listener, options);
  }

  /** The last seq relayed: the hub's hello splits replay and live stream here. */
  lastSeq(): number {
    return this.#cursor;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(delay: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#poll(), delay);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    this.#timer = null;
    let page: StoredEvent[];
    try {
      page = await this.#source.after(this.#cursor, FEED_PAGE);
    } catch (error) {
      // Polled ten times a second: a store that is away is reported once per outage, not per poll.
      if (!this.#closed && !this.#failing) this.#onError(error);
      this.#failing = true;
      this.#schedule(this.#pollMs);
      return;
    }
    this.#failing = false;
    // Consecutive rtt events go out as one run, as the bus delivers them.
    let run: StoredRtt[] = [];
    for (const stored of page) {
      if (this.#closed) return;
      if (stored.seq <= this.#cursor) continue;
      this.#cursor = stored.seq;
      if (stored.event.kind === 'rtt') {
        run.push(stored as StoredRtt);
        continue;
      }
      this.#subscribers.deliverRtt(run);
      run = [];
      this.#subscribers.deliver(stored);
    }
    if (!this.#closed) this.#subscribers.deliverRtt(run);
    this.#schedule(page.length === FEED_PAGE ? 0 : this.#pollMs);
  }
}
