import { describe, expect, it } from 'vitest';
import { FrameCursor, isOneServerPong } from './frame-cursor.js';

/** A frame's bytes: header (with the length form the payload needs, a masking key if `masked`) and payload. */
function frame(firstByte: number, payloadBytes: number, masked = false): Uint8Array {
  const lengthBytes =
    payloadBytes < 126
      ? [payloadBytes]
      : payloadBytes < 65_536
        ? [126, payloadBytes >> 8, payloadBytes & 0xff]
        : [
            127,
            0,
            0,
            0,
            0,
            (payloadBytes >>> 24) & 0xff,
            (payloadBytes >> 16) & 0xff,
            (payloadBytes >> 8) & 0xff,
            payloadBytes & 0xff,
          ];
  if (masked) lengthBytes[0]! |= 0x80;
  const header = [firstByte, ...lengthBytes, ...(masked ? [1, 2, 3, 4] : [])];
  const bytes = new Uint8Array(header.length + payloadBytes);
  bytes.set(header);
  // a payload full of bytes that look like frame headers: the cursor must never read them as one
  bytes.fill(0x8a, header.length);
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/** The offsets at which the stream is between two frames, feeding it one byte at a time. */
function boundariesByteByByte(stream: Uint8Array): number[] {
  const cursor = new FrameCursor();
  const at: number[] = [];
  for (let i = 0; i < stream.length; i++) {
    cursor.advance(stream.subarray(i, i + 1));
    if (cursor.atBoundary) at.push(i + 1);
  }
  return at;
}

describe('FrameCursor', () => {
  it.each([
    // name, frames (first byte, payload bytes, masked), where each ends
    ['an empty pong', [[0x8a, 0, false]], [2]],
    ['a short text frame', [[0x81, 5, false]], [7]],
    ['a masked frame (client to server)', [[0x82, 3, true]], [9]],
    ['a 16-bit length', [[0x82, 300, false]], [304]],
    ['a 16-bit length, masked', [[0x82, 126, true]], [134]],
    ['a 64-bit length', [[0x82, 70_000, false]], [70_010]],
    [
      'three frames',
      [
        [0x81, 10, false],
        [0x8a, 1, false],
        [0x89, 0, false],
      ],
      [12, 15, 17],
    ],
    [
      'a fragmented message with a pong between',
      [
        [0x01, 4, false],
        [0x8a, 2, false],
        [0x80, 4, false],
      ],
      [6, 10, 16],
    ],
  ] as const)('%s', (_name, frames, ends) => {
    const stream = concat(...frames.map(([first, n, masked]) => frame(first, n, masked)));
    expect(boundariesByteByByte(stream)).toEqual(ends);
    // the same in one chunk, and split at every offset into two
    const whole = new FrameCursor();
    expect(whole.advance(stream)).toBe(stream.length);
    expect(whole.atBoundary).toBe(true);
    for (let split = 1; split < Math.min(stream.length, 40); split++) {
      const cursor = new FrameCursor();
      cursor.advance(stream.subarray(0, split));
      expect(cursor.atBoundary).toBe((ends as readonly number[]).includes(split));
      cursor.advance(stream.subarray(split));
      expect(cursor.atBoundary).toBe(true);
    }
  });

  it('stops at the first boundary when asked, from where it was told to start', () => {
    const stream = concat(frame(0x81, 3), frame(0x8a, 1));
    const cursor = new FrameCursor();
    expect(cursor.advance(stream, 0, true)).toBe(0); // already between frames
    cursor.advance(stream.subarray(0, 1));
    expect(cursor.advance(stream, 1, true)).toBe(5);
    expect(cursor.atBoundary).toBe(true);
    cursor.advance(stream.subarray(5, 6));
    expect(cursor.advance(stream, 6, true)).toBe(8);
  });
});

describe('isOneServerPong', () => {
  it.each([
    ['an empty pong', [0x8a, 0], true],
    ['a pong echoing "42"', [0x8a, 2, 0x34, 0x32], true],
    ['a pong of 125 bytes', [0x8a, 125, ...new Array(125).fill(0x31)], true],
    ['a pong and the start of another frame', [0x8a, 1, 0x31, 0x81], false],
    ['the start of a pong', [0x8a, 2, 0x31], false],
    ['a masked pong (clients send those, not servers)', [0x8a, 0x81, 1, 2, 3, 4, 0x30], false],
    ['a pong with an extension bit', [0xca, 1, 0x31], false],
    ['a ping', [0x89, 1, 0x31], false],
    ['a pong without FIN (not allowed: control frames are never fragmented)', [0x0a, 1, 0x31], false],
    ['one byte', [0x8a], false],
    ['nothing', [], false],
  ])('%s: %s', (_name, bytes, expected) => {
    expect(isOneServerPong(Uint8Array.from(bytes as number[]))).toBe(expected);
  });
});
