// The hand-built ping frame: decoded here by the letter of RFC 6455, and accepted by a real ws server, which
// must see the payload and answer it with a pong (a malformed frame makes ws close the connection with 1002).
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { MAX_PING_PAYLOAD, pingFrame } from './ping-frame.js';

function decode(frame: Buffer) {
  const mask = frame.subarray(2, 6);
  const length = frame[1]! & 0x7f;
  const payload = Buffer.from(frame.subarray(6, 6 + length).map((byte, i) => byte ^ mask[i % 4]!));
  return {
    fin: (frame[0]! & 0x80) !== 0,
    opcode: frame[0]! & 0x0f,
    masked: (frame[1]! & 0x80) !== 0,
    length,
    bytes: frame.length,
    mask: mask.toString('hex'),
    payload: payload.toString('latin1'),
  };
}

describe('pingFrame', () => {
  it.each(['', '1', '42', '1234567890', 'x'.repeat(MAX_PING_PAYLOAD)])(
    'carries %j in one masked FIN ping',
    (payload) => {
      expect(decode(pingFrame(payload))).toMatchObject({
        fin: true,
        opcode: 0x9,
        masked: true,
        length: payload.length,
        bytes: 6 + payload.length,
        payload,
      });
    },
  );

  it('masks every frame with a key of its own', () => {
    const keys = new Set(Array.from({ length: 5000 }, () => decode(pingFrame('7')).mask));
    // 5,000 keys across more than one refill of the pool; random 32-bit keys collide about never
    expect(keys.size).toBeGreaterThan(4990);
  });

  it.each([
    ['too long for a control frame', 'x'.repeat(MAX_PING_PAYLOAD + 1), /at most 125 bytes/],
    ['not ASCII', 'é', /ASCII/],
  ])('refuses a payload %s', (_name, payload, error) => {
    expect(() => pingFrame(payload)).toThrow(error);
  });
});

describe('pingFrame on the wire', () => {
  let server: WebSocketServer | null = null;
  afterEach(() => server?.close());

  it('a ws server reads it as a ping and answers the same payload', async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const pinged: string[] = [];
    server.on('connection', (socket) => socket.on('ping', (data) => pinged.push(data.toString())));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    // ws emits 'open' in the same turn as 'upgrade': take the socket from the latter while waiting for the former
    let socket: Socket | null = null;
    client.once('upgrade', (response) => {
      socket = response.socket as Socket;
    });
    await once(client, 'open');
    if (!socket) throw new Error('no upgrade before open');
    const pongs: string[] = [];
    client.on('pong', (data) => pongs.push(data.toString()));
    for (const seq of ['1', '2', '3']) (socket as Socket).write(pingFrame(seq));
    while (pongs.length < 3) await once(client, 'pong');
    expect(pongs).toEqual(['1', '2', '3']);
    expect(pinged).toEqual(['1', '2', '3']);
    expect(client.readyState).toBe(WebSocket.OPEN);
    client.close();
    await once(client, 'close');
  });
});
