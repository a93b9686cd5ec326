// WebSocket text frames (RFC 6455 section 5.2) for the live fan-out, built once per batch and written as one
// buffer to every dashboard's socket: with 500 dashboards at 1,000 events/s, framing and writing each event
// per client (500,000 socket writes a second) is what would cost the budget, not the JSON.

/** Server-to-client frames: FIN, opcode 1 (text), never masked. */
const FIN_TEXT = 0x81;

/**
 * A ping with no payload (FIN, opcode 9, unmasked, length 0): written beside the heartbeat in one write, where
 * ws' socket.ping() would cost each client a second write. ws answers it (the client's pong) as for its own.
 */
export const PING_FRAME: Buffer = Buffer.from([0x89, 0x00]);

export function frameSize(payloadBytes: number): number {
  return headerSize(payloadBytes) + payloadBytes;
}

function headerSize(payloadBytes: number): number {
  if (payloadBytes < 126) return 2;
  if (payloadBytes < 65_536) return 4;
  return 10;
}

/** One buffer holding one complete text frame per payload, in order. */
export function encodeTextFrames(payloads: readonly Buffer[]): Buffer {
  let total = 0;
  for (const payload of payloads) total += frameSize(payload.length);
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const payload of payloads) {
    out[offset] = FIN_TEXT;
    const length = payload.length;
    if (length < 126) {
      out[offset + 1] = length;
      offset += 2;
    } else if (length < 65_536) {
      out[offset + 1] = 126;
      out.writeUInt16BE(length, offset + 2);
      offset += 4;
    } else {
      out[offset + 1] = 127;
      out.writeBigUInt64BE(BigInt(length), offset + 2);
      offset += 10;
    }
    offset += payload.copy(out, offset);
  }
  return out;
}
