// Slow bodies (issue 16.5): a client trickling its body over a real socket is answered 408 and cut off.
import { connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { type ListeningApp, listeningApp, parseResponse } from './test-support/raw-http.js';

let t: ListeningApp;
afterEach(async () => t.close());

it('answers a body that trickles in 408 request_timeout and closes the connection', async () => {
  t = await listeningApp({ app: { bodyTimeoutMs: 500 } });
  const socket = connect(t.port, '127.0.0.1');
  let received = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(
    `POST /api/incidents HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nContent-Type: application/json\r\n` +
      'Content-Length: 1000\r\n\r\n{',
  );
  // One byte every 100 ms, for as long as the server lets it (bounded: 60 s).
  const trickle = setInterval(() => {
    if (!socket.destroyed) socket.write(' ');
  }, 100);
  const giveUp = setTimeout(() => socket.destroy(), 60_000);
  await closed;
  clearInterval(trickle);
  clearTimeout(giveUp);
  const response = parseResponse(received)?.response;
  expect(response?.status).toBe(408);
  expect(JSON.parse(response?.body ?? '{}')).toMatchObject({ error: 'request_timeout' });
});
