// Slow bodies (docs/spec.md#5-security): a request body must arrive within BODY_TIMEOUT_MS of its headers, or the
// request is answered 408 request_timeout and its connection closed. Without it a client trickling a byte
// every few seconds holds a socket (and a parser) open for ever.
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ApiFailure } from './errors.js';

export const BODY_TIMEOUT_MS = 10_000;

export function installBodyTimeout(app: FastifyInstance, timeoutMs: number = BODY_TIMEOUT_MS): void {
  app.addHook('preParsing', async (request, reply, payload) => {
    const { headers } = request;
    if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return payload;
    // The parser reads a copy, so the timeout can fail it (a JSON 408) without touching the socket.
    const body = new PassThrough();
    payload.pipe(body);
    const timer = setTimeout(() => {
      payload.unpipe(body);
      reply.header('connection', 'close');
      body.destroy(
        new ApiFailure('request_timeout', `the request body did not arrive within ${timeoutMs / 1_000} s`),
      );
    }, timeoutMs);
    timer.unref();
    const done = () => clearTimeout(timer);
    payload.once('end', done);
    payload.once('error', done);
    body.once('close', done);
    return body;
  });
}
