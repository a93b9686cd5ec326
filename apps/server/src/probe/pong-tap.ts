// Hands a heartbeat's pongs to it straight off the leg's socket. ws parses every inbound chunk through its
// Receiver, a Writable stream (buffering, a state loop, two events per pong): at 10,000 legs that was a third
// of what a pong cost the prober thread, and more than hopwatch's own books. A chunk that is exactly one pong,
// arriving between two frames, needs none of it: the tap takes it before the Receiver does and hands it to the
// heartbeat; anything else goes to the Receiver as before, and ws still sees every other byte.
//
// "Between two frames" is known by reading every frame header the Receiver is given (FrameCursor), from the
// first byte after the handshake: a chunk that only looks like a pong but sits inside a message's payload goes
// to ws like any other.
import type { Writable } from 'node:stream';
import { FrameCursor, isOneServerPong } from '@hopwatch/shared/websocket';
import WebSocket from 'ws';

/** Takes pongs. `now`: when the pong was read (wall ms). */
export interface PongListener {
  onPong(payload: Buffer, now: number): void;
}

/** What the tap reaches into: ws's Receiver, by the name ws has kept for it since its first versions. */
interface WithReceiver {
  _receiver?: Pick<Writable, 'write'>;
}

export class PongTap {
  #listener: PongListener | null = null;
  /** lost track of the frames: takes nothing from then on */
  #blind = false;
  /** pongs taken past the Receiver (for tests: the tap must engage against the real ws) */
  taken = 0;

  private constructor() {}

  /**
   * Taps the open WebSocket's Receiver; null when this ws has none to tap (pongs then arrive through ws's
   * 'pong' event, as always). Call it in the 'open' event: ws has not fed the Receiver a byte by then (the bytes
   * that came with the handshake reach it on a later tick), so the tap sees the stream from its first frame.
   */
  static install(ws: WebSocket): PongTap | null {
    const receiver = (ws as unknown as WithReceiver)._receiver;
    if (!receiver || typeof receiver.write !== 'function') return null;
    const tap = new PongTap();
    const cursor = new FrameCursor();
    const write = receiver.write;
    receiver.write = function tappedWrite(this: Writable, chunk: unknown, ...rest: unknown[]): boolean {
      if (chunk instanceof Uint8Array) {
        const listener = tap.#listener;
        if (listener && cursor.atBoundary && isOneServerPong(chunk) && ws.readyState === WebSocket.OPEN) {
          tap.taken += 1;
          listener.onPong(Buffer.from(chunk.buffer, chunk.byteOffset + 2, chunk.length - 2), Date.now());
          return true; // as the Receiver would: it holds nothing back
        }
        cursor.advance(chunk);
      } else {
        // Not bytes (ws never writes anything else): the cursor can no longer tell where frames begin.
        tap.#listener = null;
        tap.#blind = true;
      }
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Writable['write'];
    return tap;
  }

  /** From now on, pongs the tap takes go to `listener` (until then they go to ws, which has no use for them). */
  listen(listener: PongListener): void {
    if (!this.#blind) this.#listener = listener;
  }
}
