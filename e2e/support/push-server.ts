// The smallest WebSocket service a spec can cut: it accepts every upgrade, pushes a text frame every 250 ms
// (legs in `listen` mode take any message as life) and ignores what clients send. `cutAll()` destroys every
// connection at once, as a restarting hop would.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** FIN + text opcode, 7-byte unmasked payload "{"t":1}" */
const FRAME = Buffer.concat([Buffer.from([0x81, 7]), Buffer.from('{"t":1}')]);

export interface PushServer {
  port: number;
  cutAll(): void;
  close(): Promise<void>;
}

export async function startPushServer(): Promise<PushServer> {
  const sockets = new Set<Socket>();
  const server = createServer((_request, response) => response.writeHead(426).end());
  server.on('upgrade', (request, socket: Socket) => {
    const key = String(request.headers['sec-websocket-key'] ?? '');
    const accept = createHash('sha1')
      .update(key + WS_GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const timer = setInterval(() => {
    for (const socket of sockets) socket.write(FRAME);
  }, 250);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: (server.address() as AddressInfo).port,
    cutAll,
    close: () =>
      new Promise((resolve) => {
        clearInterval(timer);
        cutAll();
        server.close(() => resolve());
      }),
  };
}
