// The pong tap on a real connection: installed in the client's 'open' event, it must find ws's Receiver (a ws
// upgrade that renames it would silently send every pong the slow way again) and take the server's pongs.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { PongTap } from './pong-tap.js';

describe('PongTap on a real connection', () => {
  let server: WebSocketServer | null = null;
  let client: WebSocket | null = null;
  afterEach(() => {
    client?.terminate();
    server?.close();
  });

  it("takes a ws server's pongs, and messages still reach ws", async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    server.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
    const { port } = server.address() as AddressInfo;
    client = new WebSocket(`ws://127.0.0.1:${port}`);
    const opened = new Promise<PongTap | null>((resolve) => {
      client?.on('open', () => resolve(client ? PongTap.install(client) : null));
    });
    const tap = await opened;
    expect(tap).not.toBeNull();
    const pongs: string[] = [];
    let answered: (() => void) | null = null;
    tap?.listen({
      onPong: (payload) => {
        pongs.push(payload.toString());
        answered?.();
      },
    });
    for (let seq = 1; seq <= 20; seq++) {
      const pong = new Promise<void>((resolve) => {
        answered = resolve;
      });
      client.ping(String(seq));
      await pong;
    }
    expect(pongs).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
    expect(tap?.taken).toBe(20);
    client.send('still heard');
    const [echo] = await once(client, 'message');
    expect(String(echo)).toBe('still heard');
  });
});
