// Client protocol errors on /api/live (docs/spec.md#4-http-api): a malformed frame, invalid UTF-8, an oversize or binary
// message. Each is counted in `hopwatch_live_protocol_errors_total{reason}` and logged at most once per
// connection, at debug, without a stack: a fuzzer (or a broken client) must not be able to flood the log.
import type { FastifyBaseLogger } from 'fastify';
import { Counter } from 'prom-client';
import type WebSocket from 'ws';

export const LIVE_PROTOCOL_ERROR_REASONS = [
  'bad_frame',
  'invalid_utf8',
  'too_big',
  'bad_close_code',
  'binary',
  'malformed_message',
] as const;
export type LiveProtocolErrorReason = (typeof LIVE_PROTOCOL_ERROR_REASONS)[number];

/** ws' receiver error codes, by what the client did wrong. */
const REASON_BY_WS_CODE: Record<string, LiveProtocolErrorReason> = {
  WS_ERR_INVALID_UTF8: 'invalid_utf8',
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 'too_big',
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 'too_big',
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 'too_big',
  WS_ERR_INVALID_CLOSE_CODE: 'bad_close_code',
};

export function protocolErrorReason(code: string | undefined): LiveProtocolErrorReason | null {
  if (!code?.startsWith('WS_ERR_')) return null;
  return REASON_BY_WS_CODE[code] ?? 'bad_frame';
}

export class LiveProtocolErrors {
  readonly counter = new Counter({
    name: 'hopwatch_live_protocol_errors_total',
    help: 'Protocol errors by live-stream clients (malformed frames or messages), by reason',
    labelNames: ['reason'],
    registers: [],
  });
  readonly #logged = new WeakSet<WebSocket>();

  constructor() {
    for (const reason of LIVE_PROTOCOL_ERROR_REASONS) this.counter.inc({ reason }, 0);
  }

  /** Counts one error; logs the connection's first only, at debug, with no stack. */
  record(socket: WebSocket, reason: LiveProtocolErrorReason, log: FastifyBaseLogger, detail: string): void {
    this.counter.inc({ reason });
    if (this.#logged.has(socket)) return;
    this.#logged.add(socket);
    log.debug({ reason, detail: detail.slice(0, 200) }, 'live client protocol error');
  }

  /**
   * For @fastify/websocket's `errorHandler`: ws has already answered a protocol error with its close frame
   * (1002, 1007, 1009) and closes the socket itself; anything else (a reset) just ends the socket.
   */
  readonly onSocketError = (
    error: Error & { code?: string },
    socket: WebSocket,
    request: { log: FastifyBaseLogger },
  ): void => {
    const reason = protocolErrorReason(error.code);
    if (reason) {
      this.record(socket, reason, request.log, error.message);
      return;
    }
    if (!this.#logged.has(socket)) {
      this.#logged.add(socket);
      request.log.debug(
        { code: error.code, detail: error.message.slice(0, 200) },
        'live client socket error',
      );
    }
    socket.terminate();
  };
}
