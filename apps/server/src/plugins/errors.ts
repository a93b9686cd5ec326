// The one registry of API error codes (docs/spec.md#4-http-api). Every error the HTTP API sends is
// `{ error: <code>, message: <human text> }`, and a code always travels with the same status, so scripts
// and the dashboard can branch on `error` without parsing messages.
import type { ApiError } from '@hopwatch/shared/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const API_ERRORS = {
  /** a query-string parameter is missing, unknown, repeated or malformed */
  bad_query: 400,
  /** a request body is not valid JSON or does not have the expected shape */
  bad_body: 400,
  /** a malformed request Fastify itself refused (bad URL encoding, bad Content-Length) */
  bad_request: 400,
  /** authToken is set and the request carries no valid token */
  unauthorized: 401,
  /** a WebSocket upgrade from a page on another site (cross-site WebSocket hijacking) */
  origin_forbidden: 403,
  not_found: 404,
  unknown_target: 404,
  unknown_leg: 404,
  unknown_incident: 404,
  body_too_large: 413,
  /** a path parameter longer than any id hopwatch hands out */
  uri_too_long: 414,
  unsupported_media_type: 415,
  /** a plain HTTP request to the WebSocket endpoint */
  upgrade_required: 426,
  rate_limited: 429,
  /** a part the route needs is not running (e.g. the lab in a config without it) */
  unavailable: 503,
  /** a bug: the message never carries internals, the server log has the stack */
  internal: 500,
} as const satisfies Record<string, number>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** Thrown by routes; the app's error handler turns it into the JSON error with the code's status. */
export class ApiFailure extends Error {
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  /** e.g. Retry-After for rate_limited */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ApiErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiFailure';
    this.code = code;
    this.statusCode = API_ERRORS[code];
    this.headers = headers;
  }
}

export function apiErrorBody(code: ApiErrorCode, message: string): ApiError {
  return { error: code, message };
}

/** Sends a registered error from a hook or handler that replies itself rather than throwing. */
export function sendApiError(reply: FastifyReply, failure: ApiFailure): FastifyReply {
  return reply
    .code(failure.statusCode)
    .headers(failure.headers)
    .type('application/json; charset=utf-8')
    .send(apiErrorBody(failure.code, failure.message));
}

// Fastify's own 4xx errors (body parsing, URL decoding) mapped onto the registry by status.
const CODE_BY_STATUS: Partial<Record<number, ApiErrorCode>> = {
  400: 'bad_request',
  404: 'not_found',
  413: 'body_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** Any error a route, hook or body parser throws, as the failure the client will see. */
export function toApiFailure(error: unknown): ApiFailure {
  if (error instanceof ApiFailure) return error;
  const fastifyError = error as Partial<FastifyError> | null;
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code =
      fastifyError?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      fastifyError?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      error instanceof SyntaxError
        ? 'bad_body'
        : (CODE_BY_STATUS[status] ?? 'bad_request');
    // Fastify's messages quote the offending URL or value; keep a hostile one from coming back whole.
    const message = String(fastifyError?.message ?? 'bad request');
    return new ApiFailure(code, message.length > 300 ? `${message.slice(0, 300)}…` : message);
  }
  return new ApiFailure('internal', 'internal error; the server log has the details');
}

/**
 * Makes every error JSON `{ error, message }`: thrown ones (setErrorHandler) and the ones Fastify raises
 * before routing (frameworkErrors: bad URL encoding, over-long parameters), which the handler never sees.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    let failure = toApiFailure(error);
    if (failure.code === 'unsupported_media_type') {
      const type = String(request.headers['content-type'] ?? '(none)').slice(0, 100);
      failure = new ApiFailure(failure.code, `content-type ${type} is not accepted; send application/json`);
    }
    if (failure.code === 'internal') request.log.error({ err: error }, 'request failed');
    return sendApiError(reply, failure);
  });
}

export function onFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void sendApiError(reply, toApiFailure(error));
}
