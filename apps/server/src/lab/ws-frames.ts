// Just enough RFC 6455 framing for a byte-forwarding hop to know where frames begin and end, so it can inject a
// close frame between two frames instead of in the middle of one. It never decodes payloads.
import { randomBytes } from 'node:crypto';
import { FrameCursor } from '@hopwatch/shared/websocket';

/** An HTTP head longer than this is not a WebSocket handshake we track; the stream is then opaque. */
export const MAX_HEAD_BYTES = 16 * 1024;

const HEAD_END = Buffer.from('\r\n\r\n');
const OPCODE_CLOSE = 0x8;

/**
 * Where one direction of a proxied connection stands:
 *
 *   head ──(request head; or a 101 response head)──▶ frames
 *     └──(a non-101 response, or a head over MAX_HEAD_BYTES)──▶ opaque
 *
 * `head`: the HTTP request or response head, up to its blank line. `frames`: WebSocket frames, each a header
 * (2–14 bytes) then its payload. `opaque`: not a WebSocket stream: no frame boundaries exist.
 */
export type StreamPhase = 'head' | 'frames' | 'opaque';

/** A head is a request (client → server) or a response (server → client); only a 101 response leads to frames. */
export type StreamRole = 'request' | 'response';

export class WsStreamCursor {
  readonly #role: StreamRole;
  #phase: StreamPhase = 'head';
  #head: Buffer = Buffer.alloc(0);
  readonly #frames = new FrameCursor();

  constructor(role: StreamRole) {
    this.#role = role;
  }

  get phase(): StreamPhase {
    return this.#phase;
  }

  /** true when everything fed so far ends exactly between two frames (after the handshake) */
  get atBoundary(): boolean {
    return this.#phase === 'frames' && this.#frames.atBoundary;
  }

  /**
   * Advances over `chunk` and returns how many of its bytes were consumed: all of them, or, with
   * `stopAtBoundary`, only those up to the first frame boundary (0 if the cursor is already at one). The
   * caller forwards exactly the consumed bytes.
   */
  feed(chunk: Buffer, stopAtBoundary = false): number {
    let offset = 0;
    while (offset < chunk.length) {
      if (stopAtBoundary && this.atBoundary) return offset;
      if (this.#phase === 'opaque') return chunk.length;
      if (this.#phase === 'head') offset += this.#feedHead(chunk, offset);
      else return this.#frames.advance(chunk, offset, stopAtBoundary);
    }
    return offset;
  }

  #feedHead(chunk: Buffer, offset: number): number {
    const seen = this.#head.length;
    const room = MAX_HEAD_BYTES - seen;
    const taken = chunk.subarray(offset, offset + room);
    const head = Buffer.concat([this.#head, taken]);
    // The blank line may straddle two chunks: search from just before the new bytes.
    const end = head.indexOf(HEAD_END, Math.max(0, seen - HEAD_END.length + 1));
    if (end === -1) {
      this.#head = head;
      if (head.length >= MAX_HEAD_BYTES) this.#phase = 'opaque';
      return taken.length;
    }
    const headLength = end + HEAD_END.length;
    this.#phase = this.#role === 'request' || isSwitchingProtocols(head) ? 'frames' : 'opaque';
    this.#head = Buffer.alloc(0);
    return headLength - seen;
  }
}

function isSwitchingProtocols(head: Buffer): boolean {
  const lineEnd = head.indexOf('\r\n');
  const statusLine = head.subarray(0, lineEnd === -1 ? head.length : lineEnd).toString('latin1');
  return /^HTTP\/1\.[01] 101(?: |$)/.test(statusLine);
}

/** The longest close reason that fits a control frame's 125-byte payload after the 2-byte code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * A close frame with `code` and `reason`. Frames toward a server must be masked (RFC 6455 5.3); frames toward
 * a client must not be. `maskKey` is for tests; by default a random one is drawn.
 */
export function closeFrame(code: number, reason: string, masked: boolean, maskKey?: Buffer): Buffer {
  // Shorten by whole characters: a reason cut inside a UTF-8 sequence would be a protocol error (1007).
  const chars = Array.from(reason);
  while (Buffer.byteLength(chars.join(''), 'utf8') > MAX_CLOSE_REASON_BYTES) chars.pop();
  const reasonBytes = Buffer.from(chars.join(''), 'utf8');
  const payload = Buffer.alloc(2 + reasonBytes.length);
  payload.writeUInt16BE(code, 0);
  reasonBytes.copy(payload, 2);
  const header = Buffer.from([0x80 | OPCODE_CLOSE, (masked ? 0x80 : 0) | payload.length]);
  if (!masked) return Buffer.concat([header, payload]);
  const key = maskKey ?? randomBytes(4);
  const maskedPayload = Buffer.from(payload.map((byte, i) => byte ^ (key[i % 4] as number)));
  return Buffer.concat([header, key.subarray(0, 4), maskedPayload]);
}
