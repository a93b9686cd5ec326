// The main thread yields to the prober thread by lowering its own nice value. That rests on Linux keeping one
// per thread: lowered in a thread of its own here (the built module, as the CLI runs it), the value must move
// for that thread and no other.
import { existsSync } from 'node:fs';
import { getPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { MAIN_THREAD_NICENESS, yieldToProber } from './thread-priority.js';

const built = new URL('../../dist/probe/thread-priority.js', import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  throw new Error(`${fileURLToPath(built)} is missing: build the server first (npm run build -w hopwatch)`);
}

/** Runs yieldToProber in a new thread; its answer and the thread's priority afterwards. */
function yieldInThread(): Promise<{ change: unknown; priority: number }> {
  const source = `
    const { parentPort } = require('node:worker_threads');
    const { getPriority } = require('node:os');
    import(${JSON.stringify(built.href)}).then(({ yieldToProber }) => {
      const change = yieldToProber('linux');
      parentPort.postMessage({ change, priority: getPriority() });
    });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true });
    worker.once('message', (message) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('yieldToProber', () => {
  it('on Linux, lowers the calling thread only', async () => {
    const mine = getPriority();
    const { change, priority } = await yieldInThread();
    const lowered = Math.min(19, mine + MAIN_THREAD_NICENESS);
    expect(change).toEqual({ before: mine, after: lowered });
    expect(priority).toBe(lowered);
    expect(getPriority()).toBe(mine);
  });

  it('leaves priorities alone where they are per process', () => {
    const mine = getPriority();
    expect(yieldToProber('darwin')).toBeNull();
    expect(yieldToProber('win32')).toBeNull();
    expect(getPriority()).toBe(mine);
  });
});
