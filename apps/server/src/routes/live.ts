// WS /api/live: hello, replay after `since`, live events, heartbeats, and the browser's ping/pong leg.
// Origin and auth are checked before the upgrade; nothing a browser sends can do more than close its own
// socket.
import { LIVE_MAX_CLIENT_MESSAGE_BYTES, parseClientMessage } from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import type WebSocket from 'ws';
import { z } from 'zod';
import type { LiveHub } from '../live/hub.js';
import { ApiFailure, sendApiError } from '../plugins/errors.js';
import { isOriginAllowed } from '../plugins/origin.js';
import { parseQuery, sequenceParam } from './api/query.js';

export interface LiveRouteOptions {
  hub: LiveHub;
  allowedOrigins: readonly string[];
}

const liveQuerySchema = z.object({ since: sequenceParam.optional() });

/**
 * The most one browser message may make the server read before it answers. A message over the 4 KiB cap
 * (LIVE_MAX_CLIENT_MESSAGE_BYTES) up to this size is read to its end and then closed with 1009, because a
 * close frame that reaches Chromium while it is still sending the message makes it give up and report 1006
 * (seen in 21 of 30 tries when ws cut at the frame's header). Larger frames are still cut at their header:
 * memory stays bounded at this much per socket.
 */
export const LIVE_MAX_READ_BYTES = 1024 * 1024;

export async function liveRoutes(app: FastifyInstance, options: LiveRouteOptions): Promise<void> {
  const { hub, allowedOrigins } = options;

  app.route({
    method: 'GET',
    url: '/api/live',
    preValidation: async (request, reply) => {
      if (!isOriginAllowed(request.headers.origin, request.headers.host, allowedOrigins)) {
        const origin = String(request.headers.origin).slice(0, 200);
        return sendApiError(reply, new ApiFailure('origin_forbidden', `Origin ${origin} is not allowed`));
      }
      parseQuery(liveQuerySchema, request.query); // throws bad_query before the upgrade
    },
    // A plain GET (no Upgrade header) gets a JSON answer saying what to do instead of an empty 404.
    handler: async () => {
      throw new ApiFailure('upgrade_required', '/api/live is a WebSocket: connect with ws:// or wss://');
    },
    wsHandler: (socket, request) => {
      const { since } = parseQuery(liveQuerySchema, request.query);
      socket.on('message', (data, isBinary) => onClientMessage(hub, socket, data, isBinary));
      // ws reports frames over LIVE_MAX_READ_BYTES (1009), bad UTF-8 (1007) and protocol errors as 'error',
      // then closes.
      socket.on('error', (error) => request.log.debug({ err: error }, 'live client socket error'));
      hub.add(socket, since ?? null);
    },
  });
}

function onClientMessage(hub: LiveHub, socket: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
  if (isBinary) {
    socket.close(1003, 'text frames only');
    return;
  }
  const message = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  // Read whole (up to LIVE_MAX_READ_BYTES, ws' maxPayload), so the close frame finds the browser listening.
  if (message.byteLength > LIVE_MAX_CLIENT_MESSAGE_BYTES) {
    socket.close(1009, 'message too big');
    return;
  }
  const text = message.toString();
  const parsed = parseClientMessage(text);
  if (!parsed.ok) return; // Unknown or malformed browser messages are ignored, never fatal.
  if (parsed.value.type === 'ping') hub.reply(socket, { type: 'pong', t: parsed.value.t });
}
