// WS /api/live: hello, replay after `since`, live events, heartbeats, and the browser's ping/pong leg.
// Origin and auth are checked before the upgrade; nothing a browser sends can do more than close its own
// socket.
import { LIVE_MAX_CLIENT_MESSAGE_BYTES, parseClientMessage } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type WebSocket from 'ws';
import { z } from 'zod';
import { parseHostEntry } from '../config/host-name.js';
import type { LiveHub } from '../live/hub.js';
import type { LiveProtocolErrorReason, LiveProtocolErrors } from '../live/protocol-errors.js';
import { ApiFailure, sendApiError } from '../plugins/errors.js';
import type { HostPolicy } from '../plugins/host-check.js';
import { isOriginAllowed } from '../plugins/origin.js';
import { withApiErrors } from '../plugins/zod-schemas.js';
import { sequenceParam } from './api/query.js';

export interface LiveRouteOptions {
  hub: LiveHub;
  allowedOrigins: readonly string[];
  /** the server's own names: an Origin naming one of them is the dashboard itself */
  hosts: HostPolicy;
  /** counts (and logs once per connection) what clients send wrong */
  protocolErrors: LiveProtocolErrors;
}

export const liveQuerySchema = z.object({ since: sequenceParam.optional() });

/**
 * The most one browser message may make the server read before it answers. A message over the 4 KiB cap
 * (LIVE_MAX_CLIENT_MESSAGE_BYTES) up to this size is read to its end and then closed with 1009, because a
 * close frame that reaches Chromium while it is still sending the message makes it give up and report 1006
 * (seen in 21 of 30 tries when ws cut at the frame's header). Larger frames are still cut at their header:
 * memory stays bounded at this much per socket.
 */
export const LIVE_MAX_READ_BYTES = 1024 * 1024;

export async function liveRoutes(app: FastifyInstance, options: LiveRouteOptions): Promise<void> {
  const { hub, allowedOrigins, hosts, protocolErrors } = options;

  app.withTypeProvider<ZodTypeProvider>().route({
    method: 'GET',
    url: '/api/live',
    schema: {
      summary: 'The live stream (a WebSocket): hello, the events after since, then live events',
      querystring: liveQuerySchema,
      response: withApiErrors({ 101: z.null().describe('Switching Protocols: the WebSocket') }),
    },
    // Origin first; then Fastify validates the query (bad_query), both before the upgrade.
    preValidation: async (request, reply) => {
      // One of the server's names, on the port this request came to: a page on another local port (another
      // app on localhost:3000) is another origin.
      const port = portOf(request.host, request.protocol);
      const isOwnOrigin = (origin: URL) =>
        hosts.allows(origin.host) && portOf(origin.host, origin.protocol.slice(0, -1)) === port;
      if (!isOriginAllowed(request.headers.origin, isOwnOrigin, allowedOrigins)) {
        const origin = String(request.headers.origin).slice(0, 200);
        return sendApiError(reply, new ApiFailure('origin_forbidden', `Origin ${origin} is not allowed`));
      }
    },
    // A plain GET (no Upgrade header) gets a JSON answer saying what to do instead of an empty 404.
    handler: async () => {
      throw new ApiFailure('upgrade_required', '/api/live is a WebSocket: connect with ws:// or wss://');
    },
    wsHandler: (socket, request) => {
      const { since } = request.query;
      // ws reports frames over LIVE_MAX_READ_BYTES (1009), bad UTF-8 (1007) and protocol errors as 'error', then closes;
      // those reach protocolErrors through the websocket plugin's errorHandler (app.ts).
      const wrong = (reason: LiveProtocolErrorReason, detail: string) =>
        protocolErrors.record(socket, reason, request.log, detail);
      socket.on('message', (data, isBinary) => onClientMessage(hub, socket, data, isBinary, wrong));
      hub.add(socket, since ?? null);
    },
  });
}

/** The port in a Host (or an origin's host), else the scheme's default. */
function portOf(host: string | undefined, scheme: string): number | null {
  const entry = host === undefined ? null : parseHostEntry(host);
  if (!entry) return null;
  return entry.port ?? (scheme === 'https' ? 443 : 80);
}

function onClientMessage(
  hub: LiveHub,
  socket: WebSocket,
  data: WebSocket.RawData,
  isBinary: boolean,
  wrong: (reason: LiveProtocolErrorReason, detail: string) => void,
): void {
  if (isBinary) {
    wrong('binary', 'a binary message');
    socket.close(1003, 'text frames only');
    return;
  }
  const message = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  // Read whole (up to LIVE_MAX_READ_BYTES, ws' maxPayload), so the close frame finds the browser listening.
  if (message.byteLength > LIVE_MAX_CLIENT_MESSAGE_BYTES) {
    wrong('too_big', `a ${message.byteLength}-byte message`);
    socket.close(1009, 'message too big');
    return;
  }
  const text = message.toString();
  const parsed = parseClientMessage(text);
  if (!parsed.ok) {
    // Unknown or malformed browser messages are ignored, never fatal; counted, in case a client is broken.
    wrong('malformed_message', parsed.message);
    return;
  }
  if (parsed.value.type === 'ping') hub.reply(socket, { type: 'pong', t: parsed.value.t });
}
