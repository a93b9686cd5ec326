// The pong tap in front of ws's real Receiver, fed chunks by hand as a socket would cut them: it takes a chunk
// that is one whole pong between two frames, and hands everything else to ws, which must then see every frame
// it would have seen without the tap.

import { describe, expect, it } from 'vitest';
import WebSocket, * as wsModule from 'ws';
import { PongTap } from './pong-tap.js';

interface ReceiverLike {
  write(chunk: Buffer): boolean;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
const { Receiver } = wsModule as unknown as {
  Receiver: new (options: { isServer: boolean; allowSynchronousEvents: boolean }) => ReceiverLike;
};

/** An unmasked frame, as a server sends it. */
function frame(firstByte: number, payload: string): Buffer {
  const body = Buffer.from(payload);
  return Buffer.concat([Buffer.from([firstByte, body.length]), body]);
}
const pong = (payload: string) => frame(0x8a, payload);
const text = (payload: string) => frame(0x81, payload);

/** A stand-in for an open client WebSocket around a real Receiver, tapped, with what each side got. */
function tapped(readyState: number = WebSocket.OPEN) {
  const receiver = new Receiver({ isServer: false, allowSynchronousEvents: true });
  const ws = { _receiver: receiver, readyState } as unknown as WebSocket;
  const tap = PongTap.install(ws);
  if (!tap) throw new Error('the tap did not install on a real Receiver');
  const seen = {
    tapped: [] as string[],
    wsPongs: [] as string[],
    messages: [] as string[],
    errors: [] as string[],
  };
  receiver.on('pong', (data) => seen.wsPongs.push(String(data)));
  receiver.on('message', (data) => seen.messages.push((data as Buffer).toString('latin1')));
  receiver.on('error', (error) => seen.errors.push(String(error)));
  return {
    tap,
    seen,
    listen: () => tap.listen({ onPong: (payload) => seen.tapped.push(payload.toString()) }),
    // as ws's socketOnData does: every chunk the socket reads, through the Receiver's write
    feed: (...chunks: Buffer[]) => {
      for (const chunk of chunks) receiver.write(chunk);
    },
  };
}

describe('PongTap', () => {
  it.each([
    ['one pong, alone in its chunk', [pong('17')], { tapped: ['17'], wsPongs: [], messages: [] }],
    [
      'pongs one per chunk',
      [pong('1'), pong('2'), pong('')],
      { tapped: ['1', '2', ''], wsPongs: [], messages: [] },
    ],
    [
      'a pong sharing its chunk with a message',
      [Buffer.concat([text('hi'), pong('3')])],
      { tapped: [], wsPongs: ['3'], messages: ['hi'] },
    ],
    [
      'a pong cut in two',
      [pong('45').subarray(0, 3), pong('45').subarray(3)],
      { tapped: [], wsPongs: ['45'], messages: [] },
    ],
    [
      // the message's last three bytes are exactly a pong frame: only the cursor knows they are payload
      'the end of a message that reads like a pong',
      [Buffer.from([0x82, 6, 0x61, 0x62, 0x63]), Buffer.from([0x8a, 0x01, 0x37])],
      { tapped: [], wsPongs: [], messages: ['abc\x8a\x017'] },
    ],
    [
      'a pong between two fragments of a message',
      [frame(0x01, 'ab'), pong('8'), frame(0x80, 'cd')],
      { tapped: ['8'], wsPongs: [], messages: ['abcd'] },
    ],
    [
      'a pong after a message that took three chunks',
      [Buffer.from([0x81, 5, 0x61]), Buffer.from('bc'), Buffer.from('de'), pong('9')],
      { tapped: ['9'], wsPongs: [], messages: ['abcde'] },
    ],
  ])('%s', (_name, chunks, expected) => {
    const t = tapped();
    t.listen();
    t.feed(...chunks);
    expect(t.seen).toEqual({ ...expected, errors: [] });
    expect(t.tap.taken).toBe(expected.tapped.length);
  });

  it('leaves pongs to ws until a heartbeat listens', () => {
    const t = tapped();
    t.feed(pong('1'));
    t.listen();
    t.feed(pong('2'));
    expect(t.seen).toMatchObject({ tapped: ['2'], wsPongs: ['1'] });
  });

  it('leaves pongs to ws once the socket is closing', () => {
    const t = tapped(WebSocket.CLOSING);
    t.listen();
    t.feed(pong('1'));
    expect(t.seen).toMatchObject({ tapped: [], wsPongs: ['1'] });
  });

  it('installs on nothing that has no Receiver', () => {
    expect(PongTap.install({} as WebSocket)).toBeNull();
  });
});
