// Where a stream of RFC 6455 frames stands (§5.2): between two frames, or inside one. It reads only frame
// headers, to know where each payload ends, and never decodes a payload. The lab's hops use it to put a close
// frame between two frames, and the prober to know that a chunk on a leg's socket starts a frame.
//
//   boundary ──header byte──▶ in header (2–14 bytes) ──complete──▶ in payload ──last byte──▶ boundary
//       ▲                           └──────── complete, empty payload ─────────────────────────────┘

/** the longest frame header: 2 bytes, a 64-bit extended length, a 4-byte masking key */
const MAX_HEADER_BYTES = 14;

export class FrameCursor {
  readonly #header = new Uint8Array(MAX_HEADER_BYTES);
  /** bytes of the current frame's header seen so far (a header may straddle chunks) */
  #headerBytes = 0;
  #payloadRemaining = 0;

  /** true when everything fed so far ends exactly between two frames */
  get atBoundary(): boolean {
    return this.#headerBytes === 0 && this.#payloadRemaining === 0;
  }

  /**
   * Advances over `chunk` from `offset` and returns where it stopped: the chunk's end, or, with
   * `stopAtBoundary`, the first frame boundary at or after `offset`.
   */
  advance(chunk: Uint8Array, offset = 0, stopAtBoundary = false): number {
    let at = offset;
    while (at < chunk.length) {
      if (stopAtBoundary && this.atBoundary) return at;
      if (this.#payloadRemaining > 0) {
        const n = Math.min(this.#payloadRemaining, chunk.length - at);
        this.#payloadRemaining -= n;
        at += n;
        continue;
      }
      this.#header[this.#headerBytes] = chunk[at]!;
      this.#headerBytes += 1;
      at += 1;
      if (this.#headerBytes >= 2 && this.#headerBytes === headerLength(this.#header)) {
        this.#payloadRemaining = payloadLength(this.#header);
        this.#headerBytes = 0;
      }
    }
    return at;
  }
}

/** The whole header's length, from its first two bytes. */
function headerLength(header: Uint8Array): number {
  const second = header[1]!;
  const len7 = second & 0x7f;
  const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  return 2 + extended + (second & 0x80 ? 4 : 0);
}

function payloadLength(header: Uint8Array): number {
  const len7 = header[1]! & 0x7f;
  if (len7 < 126) return len7;
  const end = len7 === 126 ? 4 : 10;
  // 64-bit lengths above 2^53 do not occur on a probe path (ws refuses payloads over 100 MiB); Number keeps the
  // arithmetic simple.
  let length = 0;
  for (let i = 2; i < end; i++) length = length * 256 + header[i]!;
  return length;
}

/** FIN set, no RSV bits, opcode 0xA: a whole pong (§5.5.3) */
const FIN_PONG = 0x8a;

/**
 * Whether `chunk` is exactly one pong frame as a server sends it: unmasked (§5.1), no extension bits, and a
 * payload that ends where the chunk does. (A control frame's payload is at most 125 bytes, §5.5.)
 */
export function isOneServerPong(chunk: Uint8Array): boolean {
  return chunk.length >= 2 && chunk[0] === FIN_PONG && chunk[1]! < 126 && chunk[1] === chunk.length - 2;
}
