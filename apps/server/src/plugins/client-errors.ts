// One error format below the router too (docs/spec.md#4-http-api): what Node's HTTP parser refuses (a malformed request
// line or header, headers too large, a request timeout) and a WebSocket upgrade without a valid key answer
// `{ error, message }` JSON like every route, instead of Fastify's `{"error":"Bad Request",...,"statusCode"}`
// or ws' `400 text/html`.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type ApiErrorCode, ApiFailure, apiErrorBody, sendApiError } from './errors.js';

const PARSER_ERRORS: Record<string, { status: number; code: ApiErrorCode; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request_timeout',
    message: 'the request did not arrive in time',
  },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'bad_request', message: 'request headers too large' },
};
const MALFORMED = { status: 400, code: 'bad_request' as ApiErrorCode, message: 'malformed HTTP request' };

/** For Fastify's `clientErrorHandler`: answers on the raw socket (there is no request), then closes it. */
export function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = PARSER_ERRORS[error.code ?? ''] ?? MALFORMED;
  const body = JSON.stringify(apiErrorBody(code, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** RFC 6455 section 4.1: a 16-byte nonce, base64. */
const WEBSOCKET_KEY_RE = /^[+/0-9A-Za-z]{22}==$/;

/** Refuses a malformed WebSocket upgrade on any route before ws does (with HTML) or a route answers it. */
export function installUpgradeCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (String(request.headers.upgrade ?? '').toLowerCase() !== 'websocket') return;
    const key = request.headers['sec-websocket-key'];
    const version = request.headers['sec-websocket-version'];
    if (typeof key === 'string' && WEBSOCKET_KEY_RE.test(key.trim()) && String(version) === '13') return;
    return sendApiError(
      reply,
      new ApiFailure(
        'bad_request',
        'a WebSocket upgrade needs Sec-WebSocket-Key (16 bytes, base64) and Sec-WebSocket-Version: 13',
      ),
    );
  });
}
