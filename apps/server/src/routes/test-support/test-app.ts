// Builds a real runtime and app for route tests: SQLite in a fresh temp directory, no lab, and whatever
// targets the test configures. Tests publish events on runtime.bus to give the routes something to serve.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BuildAppOptions, buildApp } from '../../app.js';
import { defaultConfig } from '../../config/defaults.js';
import type { HopwatchConfig } from '../../config/types.js';
import { createRuntime, type Runtime } from '../../runtime.js';

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  config: HopwatchConfig;
  dataDir: string;
  /** closes app and runtime; keeps the data directory unless `removeData` */
  close(options?: { removeData?: boolean }): Promise<void>;
}

export interface TestAppOptions {
  configure?: (config: HopwatchConfig) => void;
  app?: Omit<BuildAppOptions, 'runtime'>;
  /** reuse a data directory (restart tests) */
  dataDir?: string;
}

export function testConfig(dataDir: string): HopwatchConfig {
  const config = defaultConfig();
  config.storage.sqlite = join(dataDir, 'hopwatch.db');
  config.lab.enabled = false;
  return config;
}

export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hopwatch-routes-'));
  const config = testConfig(dataDir);
  options.configure?.(config);
  const runtime = await createRuntime(config);
  const app = await buildApp({ webRoot: null, ...options.app, runtime });
  await app.ready();
  let closed = false;
  return {
    app,
    runtime,
    config,
    dataDir,
    async close({ removeData = true } = {}) {
      if (!closed) {
        closed = true;
        await app.close();
        await runtime.close();
      }
      if (removeData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
