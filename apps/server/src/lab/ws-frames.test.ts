import { describe, expect, it } from 'vitest';
import { closeFrame, MAX_HEAD_BYTES, WsStreamCursor } from './ws-frames.js';

const RESPONSE_101 = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
const REQUEST = 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n';

/** An unmasked text frame with `n` payload bytes. */
function textFrame(n: number): Buffer {
  const header =
    n < 126
      ? Buffer.from([0x81, n])
      : n < 65_536
        ? Buffer.from([0x81, 126, n >> 8, n & 0xff])
        : Buffer.from([
            0x81,
            127,
            0,
            0,
            0,
            0,
            (n >>> 24) & 0xff,
            (n >> 16) & 0xff,
            (n >> 8) & 0xff,
            n & 0xff,
          ]);
  return Buffer.concat([header, Buffer.alloc(n, 0x61)]);
}

/** A masked text frame, as a client sends, with `n` payload bytes. */
function maskedFrame(n: number): Buffer {
  return Buffer.concat([Buffer.from([0x81, 0x80 | n]), Buffer.from([1, 2, 3, 4]), Buffer.alloc(n, 0x62)]);
}

/** Feeds `bytes` in chunks of `size` and records atBoundary after each chunk. */
function feedInChunks(cursor: WsStreamCursor, bytes: Buffer, size: number): boolean[] {
  const seen: boolean[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    expect(cursor.feed(bytes.subarray(i, i + size))).toBe(Math.min(size, bytes.length - i));
    seen.push(cursor.atBoundary);
  }
  return seen;
}

describe('WsStreamCursor', () => {
  it.each([
    {
      name: '101 response then nothing',
      role: 'response',
      bytes: RESPONSE_101,
      phase: 'frames',
      boundary: true,
    },
    { name: 'request head', role: 'request', bytes: REQUEST, phase: 'frames', boundary: true },
    {
      name: 'half a head',
      role: 'response',
      bytes: RESPONSE_101.slice(0, 20),
      phase: 'head',
      boundary: false,
    },
    {
      name: 'a 502 response',
      role: 'response',
      bytes: 'HTTP/1.1 502 Bad Gateway\r\n\r\n',
      phase: 'opaque',
      boundary: false,
    },
    {
      name: 'HTTP/1.0 101',
      role: 'response',
      bytes: 'HTTP/1.0 101 OK\r\n\r\n',
      phase: 'frames',
      boundary: true,
    },
    {
      name: 'status 1010 is not 101',
      role: 'response',
      bytes: 'HTTP/1.1 1010 x\r\n\r\n',
      phase: 'opaque',
      boundary: false,
    },
  ] as const)('$name → $phase', ({ role, bytes, phase, boundary }) => {
    const cursor = new WsStreamCursor(role);
    cursor.feed(Buffer.from(bytes, 'latin1'));
    expect(cursor.phase).toBe(phase);
    expect(cursor.atBoundary).toBe(boundary);
  });

  it.each([
    { name: 'small frame', frame: textFrame(5) },
    { name: 'empty frame', frame: textFrame(0) },
    { name: '16-bit length', frame: textFrame(300) },
    { name: '64-bit length', frame: textFrame(70_000) },
    { name: 'masked frame', frame: maskedFrame(7) },
  ])('is at a boundary exactly after a whole $name, whatever the chunking', ({ frame }) => {
    for (const size of [1, 2, 3, 7, 64, frame.length]) {
      const cursor = new WsStreamCursor('response');
      cursor.feed(Buffer.from(RESPONSE_101));
      const seen = feedInChunks(cursor, frame, size);
      expect(seen.at(-1)).toBe(true);
      // Before the last chunk the frame is incomplete, so never at a boundary.
      expect(seen.slice(0, -1).every((b) => !b)).toBe(true);
    }
  });

  it('finds the head end when the blank line straddles chunks', () => {
    for (let cut = 1; cut < RESPONSE_101.length; cut += 1) {
      const cursor = new WsStreamCursor('response');
      const bytes = Buffer.concat([Buffer.from(RESPONSE_101), textFrame(3)]);
      cursor.feed(bytes.subarray(0, cut));
      cursor.feed(bytes.subarray(cut));
      expect(cursor.atBoundary).toBe(true);
    }
  });

  it('with stopAtBoundary consumes only up to the end of the current frame', () => {
    const cursor = new WsStreamCursor('response');
    const first = textFrame(10);
    const second = textFrame(4);
    const bytes = Buffer.concat([Buffer.from(RESPONSE_101), first, second]);
    // Mid-way through the first frame.
    const split = RESPONSE_101.length + 5;
    cursor.feed(bytes.subarray(0, split));
    expect(cursor.atBoundary).toBe(false);
    const consumed = cursor.feed(bytes.subarray(split), true);
    expect(consumed).toBe(first.length - 5);
    expect(cursor.atBoundary).toBe(true);
    // Already at a boundary: nothing more is consumed.
    expect(cursor.feed(second, true)).toBe(0);
  });

  it('stops right after the head when the head and frames arrive together', () => {
    const cursor = new WsStreamCursor('response');
    const bytes = Buffer.concat([Buffer.from(RESPONSE_101), textFrame(3)]);
    expect(cursor.feed(bytes, true)).toBe(RESPONSE_101.length);
  });

  it('gives up on a head that never ends', () => {
    const cursor = new WsStreamCursor('response');
    cursor.feed(Buffer.alloc(MAX_HEAD_BYTES + 10, 0x41));
    expect(cursor.phase).toBe('opaque');
    expect(cursor.feed(textFrame(2), true)).toBe(4);
  });
});

describe('closeFrame', () => {
  it('builds an unmasked close frame for clients', () => {
    expect([...closeFrame(1012, 'hi', false)]).toEqual([0x88, 4, 0x03, 0xf4, 0x68, 0x69]);
  });

  it('builds a masked close frame for servers', () => {
    const key = Buffer.from([1, 2, 3, 4]);
    const frame = closeFrame(1000, '', true, key);
    expect([...frame]).toEqual([0x88, 0x82, 1, 2, 3, 4, 0x03 ^ 1, 0xe8 ^ 2]);
  });

  it('shortens a long reason by whole characters to fit a control frame', () => {
    const frame = closeFrame(1001, 'é'.repeat(100), false);
    expect(frame[1]).toBeLessThanOrEqual(125);
    const reason = frame.subarray(4).toString('utf8');
    expect(reason).toBe('é'.repeat(61));
  });

  it('is recognised as one whole frame by the cursor', () => {
    const cursor = new WsStreamCursor('request');
    cursor.feed(Buffer.from(REQUEST));
    const frame = closeFrame(1012, 'lab', true);
    cursor.feed(frame.subarray(0, 1));
    expect(cursor.feed(Buffer.concat([frame.subarray(1), frame]), true)).toBe(frame.length - 1);
    expect(cursor.atBoundary).toBe(true);
  });
});
