// Serves the built dashboard at / and falls back to index.html for client-side routes.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic, { type SetHeadersResponse } from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The dashboard's build output, found through the @hopwatch/web package rather than a relative path. */
export function resolveWebRoot(): string | null {
  try {
    const pkg = fileURLToPath(import.meta.resolve('@hopwatch/web/package.json'));
    const dist = join(dirname(pkg), 'dist');
    return existsSync(join(dist, 'index.html')) ? dist : null;
  } catch {
    return null;
  }
}

/** Vite's hashed assets never change under their name; index.html names the current ones, so it is revalidated. */
function setCacheHeaders(response: SetHeadersResponse, path: string): void {
  // e.g. assets/index-BYKkpvvZ.js, or its .br/.gz copy
  const hashed = /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}(\.[a-z0-9]+)+$/.test(path);
  response.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
  response.setHeader('vary', 'accept-encoding');
}

export async function spaRoutes(app: FastifyInstance, options: { webRoot: string | null }): Promise<void> {
  const { webRoot } = options;
  if (webRoot) {
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: ['index.html'],
      // The build writes .br and .gz beside each asset (apps/web/vite.config.ts): sent as they are.
      preCompressed: true,
      cacheControl: false,
      setHeaders: setCacheHeaders,
      // A source map would publish the source; the build makes none, and none is served if one appears.
      allowedPath: (pathname) => !pathname.endsWith('.map'),
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const isApi = path.startsWith('/api/') || path === '/api' || path === '/metrics' || path === '/healthz';
    if (request.method === 'GET' && !isApi && !/\.[a-z0-9]+$/i.test(path)) {
      if (webRoot) return reply.type('text/html').sendFile('index.html');
      return reply
        .type('text/html')
        .send(
          '<!doctype html><title>hopwatch</title><p>The dashboard is not built. Run <code>npm run build</code>.</p>',
        );
    }
    return reply.code(404).send({ error: 'not_found', message: `${request.method} ${path} does not exist` });
  });
}
