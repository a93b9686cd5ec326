// The judge's lease: of the instances sharing a PostgreSQL store, the one holding a session-level advisory
// lock judges drop clusters for all of them, so each cluster is judged once. The lock lives as long as the
// connection holding it: an instance that dies (even by kill -9) loses its connection and the lock with it,
// and another instance, trying every LEASE_RETRY_MS, takes over well within one correlation window.
//
//   waiting ──pg_try_advisory_lock: true──▶ held ──connection lost──▶ waiting ... ──close()──▶ closed
import type pg from 'pg';
import { JUDGE_LOCK } from './locks.js';

export const LEASE_RETRY_MS = 1_000;

export class JudgeLease {
  readonly #pool: pg.Pool;
  readonly #onError: (error: unknown) => void;
  #client: pg.PoolClient | null = null;
  #held = false;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(pool: pg.Pool, options: { onError?: (error: unknown) => void } = {}) {
    this.#pool = pool;
    this.#onError = options.onError ?? (() => {});
    void this.#try();
  }

  get held(): boolean {
    return this.#held;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const client = this.#client;
    this.#client = null;
    this.#held = false;
    // Releasing the connection with an error closes it, and with it the lock: the next instance takes over.
    client?.release(true);
  }

  async #try(): Promise<void> {
    this.#timer = null;
    if (this.#closed) return;
    try {
      if (!this.#client) {
        const client = await this.#pool.connect();
        if (this.#closed) {
          client.release(true);
          return;
        }
        client.on('error', (error) => this.#lost(error));
        this.#client = client;
      }
      if (!this.#held) {
        const { rows } = await this.#client.query<{ got: boolean }>(
          'SELECT pg_try_advisory_lock($1) AS got',
          [JUDGE_LOCK],
        );
        this.#held = rows[0]?.got === true;
      } else {
        // Held: make sure the connection (and so the lock) is still there.
        await this.#client.query('SELECT 1');
      }
    } catch (error) {
      this.#lost(error);
    }
    if (!this.#closed) {
      this.#timer = setTimeout(() => void this.#try(), LEASE_RETRY_MS);
      this.#timer.unref();
    }
  }

  #lost(error: unknown): void {
    if (this.#closed) return;
    this.#onError(error);
    this.#held = false;
    const client = this.#client;
    this.#client = null;
    client?.release(true);
  }
}
