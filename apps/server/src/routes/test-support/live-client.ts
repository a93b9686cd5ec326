// A test dashboard: a real ws client that records every frame of the live stream and how it was closed.
import { parseServerMessage, type ServerMessage } from '@hopwatch/shared/protocol';
import WebSocket from 'ws';

export interface LiveTestClient {
  socket: WebSocket;
  messages: ServerMessage[];
  /** seq of every `event` frame received, in order */
  eventSeqs(): number[];
  closed: Promise<{ code: number; reason: string }>;
  /** stops reading from the TCP socket: the kernel buffers fill, then the server's */
  pause(): void;
  resume(): void;
  close(): void;
}

export function connectLive(url: string, options: WebSocket.ClientOptions = {}): Promise<LiveTestClient> {
  const socket = new WebSocket(url, options);
  const messages: ServerMessage[] = [];
  socket.on('message', (data) => {
    const parsed = parseServerMessage(String(data));
    if (!parsed.ok) throw new Error(`server sent an invalid frame: ${parsed.message}`);
    messages.push(parsed.value);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const rawSocket = () => (socket as unknown as { _socket: import('node:net').Socket })._socket;
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('unexpected-response', (request, response) => {
      request.destroy();
      reject(new Error(`upgrade refused with HTTP ${response.statusCode}`));
    });
    socket.once('open', () => {
      socket.off('error', reject);
      socket.on('error', () => {}); // closes are asserted through `closed`
      resolve({
        socket,
        messages,
        eventSeqs: () => messages.flatMap((m) => (m.type === 'event' ? [m.seq] : [])),
        closed,
        pause: () => rawSocket().pause(),
        resume: () => rawSocket().resume(),
        close: () => socket.terminate(),
      });
    });
  });
}

/** Polls until `check` holds; fails with `what` after `timeoutMs` (generous: the machine is shared). */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
