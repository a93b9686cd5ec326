// What one open session's heartbeat talks to. A ping is the hot path (10,000 a second at 10,000 legs, on a
// thread whose cost is nearly all memory traffic): it reaches the socket from here in two hops, the ws for its
// state and the socket to write to, rather than through the leg's closures and attempt. The rest goes back to
// the leg.
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { HeartbeatLink, HeartbeatSample } from './heartbeat.js';
import { pingFrame } from './ping-frame.js';

/** The leg's side of a session's heartbeat: everything but the ping. */
export interface SessionEnds {
  send(text: string): void;
  sample(sample: HeartbeatSample): void;
  timeout(): void;
}

export class SessionLink implements HeartbeatLink {
  readonly #ws: WebSocket;
  readonly #socket: Socket | null;
  readonly #ends: SessionEnds;

  /** `socket`: the ws's own, captured when the upgrade request opened it */
  constructor(ws: WebSocket, socket: Socket | null, ends: SessionEnds) {
    this.#ws = ws;
    this.#socket = socket;
    this.#ends = ends;
  }

  ping(payload: string): void {
    // Only while open: ws writes the close frame and ends the socket when closing.
    if (this.#ws.readyState === WebSocket.OPEN) this.#socket?.write(pingFrame(payload));
  }

  send(text: string): void {
    this.#ends.send(text);
  }

  sample(sample: HeartbeatSample): void {
    this.#ends.sample(sample);
  }

  timeout(): void {
    this.#ends.timeout();
  }
}
