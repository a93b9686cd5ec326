// A heartbeat ping as one finished frame for the leg's socket (RFC 6455 §5.2, §5.5.2). `ws.ping()` builds the
// same frame in two buffers and sends them corked, through a writev; at 10,000 legs that machinery costs more
// than the rest of the heartbeat, and it sits between the send timestamp and the socket. One buffer, one
// write, taken as close to the socket as Node allows.
//
// A client must mask every frame with a fresh, unpredictable key (§5.3): keys come from a pool of random
// bytes refilled when used up, as ws does.
import { randomFillSync } from 'node:crypto';

/** a control frame's payload is at most 125 bytes (§5.5) */
export const MAX_PING_PAYLOAD = 125;
const FIN_PING = 0x89;
const MASKED = 0x80;
const HEADER_BYTES = 6; // 2 bytes of header, 4 of masking key

const POOL_BYTES = 8192;
let pool = Buffer.alloc(0);
let poolAt = POOL_BYTES;

/** The masked ping frame carrying `payload`: ASCII, at most 125 characters (heartbeat seqs are digits). */
export function pingFrame(payload: string): Buffer {
  const length = payload.length;
  if (length > MAX_PING_PAYLOAD) throw new RangeError(`a ping payload is at most ${MAX_PING_PAYLOAD} bytes`);
  if (poolAt + 4 > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    poolAt = 0;
  }
  const frame = Buffer.allocUnsafe(HEADER_BYTES + length);
  frame[0] = FIN_PING;
  frame[1] = MASKED | length;
  for (let i = 0; i < 4; i++) frame[2 + i] = pool[poolAt + i]!;
  poolAt += 4;
  for (let i = 0; i < length; i++) {
    const code = payload.charCodeAt(i);
    if (code > 0x7f) throw new RangeError('a ping payload here is ASCII');
    frame[HEADER_BYTES + i] = code ^ frame[2 + (i & 3)]!;
  }
  return frame;
}
