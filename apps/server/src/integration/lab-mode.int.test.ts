// The lab routes exist only in lab mode, and the runtime runs the lab's target beside the file's targets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { defaultConfig } from '../config/defaults.js';
import type { HopwatchConfig } from '../config/types.js';
import { createRuntime, type Runtime } from '../runtime.js';

let dir: string | null = null;
let runtime: Runtime | null = null;
let app: FastifyInstance | null = null;

afterEach(async () => {
  await app?.close();
  await runtime?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  app = null;
  runtime = null;
  dir = null;
});

async function start(labEnabled: boolean): Promise<FastifyInstance> {
  dir = mkdtempSync(join(tmpdir(), 'hopwatch-lab-mode-'));
  const config: HopwatchConfig = defaultConfig();
  config.storage.sqlite = join(dir, 'hopwatch.db');
  config.lab = { ...config.lab, enabled: labEnabled, schedule: [] };
  runtime = await createRuntime(config);
  app = await buildApp({ runtime, webRoot: null });
  return app;
}

describe('lab mode', () => {
  it('with the lab: the routes answer, and the lab target is among the runtime targets', async () => {
    const server = await start(true);
    const response = await server.inject({ method: 'GET', url: '/api/lab' });
    expect(response.statusCode).toBe(200);
    expect(runtime?.lab).not.toBeNull();
    expect(runtime?.config.targets.map((target) => target.name)).toEqual(['lab']);
    expect(runtime?.config.targets.at(-1)).toBe(runtime?.lab?.target);
  });

  it('without the lab: every lab route is a 404', async () => {
    const server = await start(false);
    expect(runtime?.lab).toBeNull();
    for (const [method, url] of [
      ['GET', '/api/lab'],
      ['POST', '/api/lab/faults'],
      ['DELETE', '/api/lab/faults'],
    ] as const) {
      const response = await server.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}) });
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toBe('not_found');
    }
  });
});
