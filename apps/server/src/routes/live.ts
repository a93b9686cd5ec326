// WS /api/live: hello, replay after `since`, live events, heartbeats, and the browser's ping/pong leg.
import {
  LIVE_MAX_CLIENT_MESSAGE_BYTES,
  parseClientMessage,
  type ServerMessage,
} from '@hopwatch/shared/protocol';
import type { FastifyInstance } from 'fastify';
import type WebSocket from 'ws';
import { z } from 'zod';
import type { LiveHub } from '../live/hub.js';
import { isOriginAllowed } from './origin.js';

export interface LiveRouteOptions {
  hub: LiveHub;
  allowedOrigins: readonly string[];
}

const querySchema = z.object({
  since: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a non-negative integer sequence number')
    .transform(Number)
    .optional(),
});

export async function liveRoutes(app: FastifyInstance, options: LiveRouteOptions): Promise<void> {
  const { hub, allowedOrigins } = options;

  app.get(
    '/api/live',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        if (!isOriginAllowed(request.headers.origin, request.headers.host, allowedOrigins)) {
          return reply
            .code(403)
            .send({ error: 'origin_forbidden', message: `Origin ${request.headers.origin} is not allowed` });
        }
        const parsed = querySchema.safeParse(request.query);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return reply
            .code(400)
            .send({ error: 'bad_query', message: `${issue?.path.join('.')}: ${issue?.message}` });
        }
      },
    },
    (socket, request) => {
      const { since } = querySchema.parse(request.query);
      socket.on('message', (data, isBinary) => onClientMessage(socket, data, isBinary));
      // ws reports oversize frames (1009) and protocol errors as 'error' then closes; keep the server up.
      socket.on('error', (error) => request.log.debug({ err: error }, 'live client socket error'));
      hub.add(socket, since ?? null);
    },
  );
}

function onClientMessage(socket: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
  const bytes = Array.isArray(data)
    ? data.reduce((n, b) => n + b.length, 0)
    : (data as Buffer | ArrayBuffer).byteLength;
  if (isBinary || bytes > LIVE_MAX_CLIENT_MESSAGE_BYTES) {
    socket.close(isBinary ? 1003 : 1009, isBinary ? 'text frames only' : 'message too big');
    return;
  }
  const parsed = parseClientMessage(data.toString());
  if (!parsed.ok) return; // Unknown or malformed browser messages are ignored, never fatal.
  if (parsed.value.type === 'ping') {
    socket.send(JSON.stringify({ type: 'pong', t: parsed.value.t } satisfies ServerMessage));
  }
}
