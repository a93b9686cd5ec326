// Starts hopwatch: runtime, app, listen; closes gracefully on SIGINT/SIGTERM; reloads the config on SIGHUP.
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from './app.js';
import type { LoadResult } from './config/load.js';
import { DEFAULT_LOG_LEVEL, type LogLevel } from './config/log-level.js';
import type { HopwatchConfig } from './config/types.js';
import { applyReload } from './reload.js';
import { createRuntime, type Runtime } from './runtime.js';

export interface RunningServer {
  app: FastifyInstance;
  runtime: Runtime;
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** read from HOPWATCH_LOG_LEVEL by the CLI (config/log-level.ts); default info */
  logLevel?: LogLevel;
}

export async function startServer(
  config: HopwatchConfig,
  options: StartOptions = {},
): Promise<RunningServer> {
  const level = options.logLevel ?? DEFAULT_LOG_LEVEL;
  // The prober's "ws close" line per session goes to stdout as JSON, like Fastify's own (docs/spec.md#3-command-line).
  const runtime = await createRuntime(config, { logger: pino({ level }), proberThread: true });
  const app = await buildApp({ runtime, logger: { level } });
  await app.listen({ host: config.server.host, port: config.server.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  let closing: Promise<void> | null = null;
  return {
    app,
    runtime,
    url: `http://${host}:${port}`,
    close() {
      closing ??= (async () => {
        await runtime.close();
        await app.close();
      })();
      return closing;
    },
  };
}

/** Closes on the first SIGINT/SIGTERM; a second one exits at once. */
export function closeOnSignals(server: RunningServer): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * Reloads the config on every SIGHUP with `load` (which re-reads the file). An invalid file is logged and the
 * running config kept. Returns the function that stops listening.
 */
export function reloadOnHangup(server: RunningServer, load: () => LoadResult): () => void {
  const reload = () => {
    server.app.log.info({ signal: 'SIGHUP', file: server.runtime.config.source }, 'reloading config');
    applyReload(server.runtime, load(), server.app.log);
  };
  process.on('SIGHUP', reload);
  return () => process.off('SIGHUP', reload);
}
