import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { encodeTextFrames, frameSize, PING_FRAME } from './frames.js';

// ws' own framer (not in its type definitions) is the reference the dashboards' parsers agree with.
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };

function reference(payload: Buffer): Buffer {
  return Buffer.concat(
    Sender.frame(payload, { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false }),
  );
}

describe('encodeTextFrames', () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 200_000])(
    'frames a %d-byte payload exactly as ws does',
    (n) => {
      const payload = Buffer.alloc(n, 0x61);
      const framed = encodeTextFrames([payload]);
      expect(framed.equals(reference(payload))).toBe(true);
      expect(framed.length).toBe(frameSize(n));
    },
  );

  it('concatenates several frames in order', () => {
    const payloads = ['{"a":1}', 'x'.repeat(300), 'é'].map((s) => Buffer.from(s));
    expect(encodeTextFrames(payloads).equals(Buffer.concat(payloads.map(reference)))).toBe(true);
  });

  it('frames nothing as an empty buffer', () => {
    expect(encodeTextFrames([]).length).toBe(0);
  });
});

describe('PING_FRAME', () => {
  it('is the empty ping ws itself sends from a server', () => {
    const ping = Buffer.concat(
      Sender.frame(Buffer.alloc(0), { fin: true, opcode: 9, mask: false, readOnly: true, rsv1: false }),
    );
    expect(PING_FRAME.equals(ping)).toBe(true);
  });
});
